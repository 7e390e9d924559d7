// SPDX-License-Identifier: MIT
#pragma once

// Archives and compressed files made at test time with libarchive's writer, for the suites that read
// them (tst_sourcereader) and the hostile inputs of the command line (tst_hostile_input).
#include <QtGlobal>

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace testarchive {

struct Member {
    std::string name;
    std::string data;
    unsigned int type = AE_IFREG;
    std::int64_t mtime = 1700000000;
};

struct ArchiveWriteFree {
    void operator()(archive *a) const { archive_write_free(a); }
};

inline la_ssize_t appendToString(archive *, void *client, const void *buffer, size_t length)
{
    static_cast<std::string *>(client)->append(static_cast<const char *>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

// Archive bytes made with libarchive's writer: `format` is "zip", "pax" or "raw" (a single
// compressed file), `filter` "none", "gzip", "bzip2", "xz" or "zstd".
inline std::string makeArchive(const char *format, const char *filter, const std::vector<Member> &members)
{
    std::unique_ptr<archive, ArchiveWriteFree> a(archive_write_new());
    std::string out;
    if (archive_write_set_format_by_name(a.get(), format) != ARCHIVE_OK
        || (std::string_view(filter) != "none" && archive_write_add_filter_by_name(a.get(), filter) != ARCHIVE_OK)
        || archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK
        || archive_write_open(a.get(), &out, nullptr, &appendToString, nullptr) != ARCHIVE_OK) {
        qWarning("archive writer setup: %s", archive_error_string(a.get()));
        return {};
    }
    for (const Member &member : members) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(entry.get(), member.name.c_str());
        archive_entry_set_filetype(entry.get(), member.type);
        archive_entry_set_perm(entry.get(), member.type == AE_IFDIR ? 0755 : 0644);
        archive_entry_set_mtime(entry.get(), member.mtime, 123);
        if (member.type == AE_IFLNK)
            archive_entry_set_symlink(entry.get(), "target");
        archive_entry_set_size(entry.get(), member.type == AE_IFREG ? static_cast<la_int64_t>(member.data.size()) : 0);
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
            qWarning("archive header: %s", archive_error_string(a.get()));
        if (!member.data.empty())
            archive_write_data(a.get(), member.data.data(), member.data.size());
    }
    archive_write_close(a.get());
    return out;
}

inline std::string compress(const char *filter, const std::string &data)
{
    return makeArchive("raw", filter, {{"data", data}});
}

} // namespace testarchive
