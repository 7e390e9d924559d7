// SPDX-License-Identifier: MIT
#include "sourcereader.h"

#include <QFile>
#include <QTemporaryFile>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

// Behaviour the header leaves open, decided here:
// - Names. A path given by the caller is named by its last component (`/tmp/x/api.log.gz` ->
//   `api.log.gz`); folder entries append their relative path (`incident/logs/api.log`); archive
//   members append `!/` and their path inside the archive, without a leading `./` or `/`. A single
//   compressed file keeps its container's name: `api.log.gz` is the decompressed log.
// - Folders: entries sorted by the bytes of their names; a folder reached twice (a symlink loop, two
//   links to one folder) is walked once; sockets, FIFOs and devices inside folders are skipped
//   silently, like non-regular archive entries, but reported when given as a path. An empty folder
//   yields nothing and no problem.
// - Archives are recognised by magic bytes only. An archive or compressed file whose content
//   libarchive cannot decode at all is a problem on the archive ("corrupt archive: ..."); one
//   without a single regular file is "empty archive". A compressed file that decompresses to
//   nothing is an empty source, not a problem.
// - Damaged data (a truncated .gz, a zip member failing its CRC): when at least one byte decoded
//   before the damage, the source is passed to onSource with every byte that decoded, and the
//   ByteStream's next read() returns an Error naming the source (the importer marks it partial);
//   no onProblem is sent for it. When nothing decoded, the source is an onProblem
//   ("corrupt archive member: ..." or "corrupt compressed data: ...") and onSource is not called.
//   Where the damage is fatal to the archive, its remaining members are not visited.
// - UTF-16 with a BOM is decoded to UTF-8 without the BOM; unpaired surrogates and an odd last
//   byte become U+FFFD. Its size is -1 (the UTF-8 length is not known in advance).
// - A ByteStream is valid only during the onSource call that received it.

namespace core {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSniffBytes = 64 * 1024; // the binary check looks this far
constexpr std::size_t kChunkBytes = 1024 * 1024;
constexpr int kMaxNesting = 8; // containers inside containers; guards against archive quines

struct ArchiveReadFree {
    void operator()(archive *a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveReadFree>;

struct FileClose {
    void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

// System messages start upper-case ("No such file or directory"); reasons read better in lower case.
std::string lowerFirst(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string errnoReason(int error)
{
    return lowerFirst(std::generic_category().message(error));
}

std::string archiveMessage(archive *a)
{
    const char *message = archive_error_string(a);
    return message && *message ? std::string(message) : std::string("unknown libarchive error");
}

// Raw bytes of one level: a file on disk, or the current member of an archive. read() fills up to
// `capacity`, returns 0 at the end; an error's message is the reason alone, and it is sticky.
class Input
{
public:
    virtual ~Input() = default;
    virtual Result<std::size_t> read(char *buffer, std::size_t capacity) = 0;
};

class FileInput final : public Input
{
public:
    explicit FileInput(FilePtr file)
        : m_file(std::move(file))
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        if (m_error != 0)
            return makeError(ErrorCode::Io, errnoReason(m_error));
        errno = 0;
        const std::size_t got = std::fread(buffer, 1, capacity, m_file.get());
        if (got < capacity && std::ferror(m_file.get())) {
            m_error = errno != 0 ? errno : EIO;
            // Bytes read before the failure still count; the error comes with the next call.
            if (got == 0)
                return makeError(ErrorCode::Io, errnoReason(m_error));
        }
        return got;
    }

private:
    FilePtr m_file;
    int m_error = 0;
};

// The current member of an archive, read block by block: archive_read_data() would drop the bytes
// it had copied when a later block of the same call fails, and those bytes are the partial source.
class EntryInput final : public Input
{
public:
    EntryInput(archive *a, std::string reasonPrefix)
        : m_archive(a)
        , m_reasonPrefix(std::move(reasonPrefix))
    {
    }

    bool failed() const { return m_error.has_value(); }
    bool fatal() const { return m_fatal; }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        while (done < capacity) {
            if (m_holeLeft > 0) { // a sparse tar member: the hole reads as zeros
                const auto n = static_cast<std::size_t>(std::min<std::int64_t>(m_holeLeft, static_cast<std::int64_t>(capacity - done)));
                std::memset(buffer + done, 0, n);
                done += n;
                m_holeLeft -= static_cast<std::int64_t>(n);
                m_position += static_cast<std::int64_t>(n);
                continue;
            }
            if (m_blockLeft > 0) {
                const std::size_t n = std::min(m_blockLeft, capacity - done);
                std::memcpy(buffer + done, m_block, n);
                done += n;
                m_block += n;
                m_blockLeft -= n;
                m_position += static_cast<std::int64_t>(n);
                continue;
            }
            if (m_end || m_error)
                break;
            const void *block = nullptr;
            std::size_t size = 0;
            la_int64_t offset = 0;
            const int status = archive_read_data_block(m_archive, &block, &size, &offset);
            if (status == ARCHIVE_EOF) {
                m_end = true;
                break;
            }
            if (status < ARCHIVE_OK) {
                m_error = m_reasonPrefix + archiveMessage(m_archive);
                m_fatal = status == ARCHIVE_FATAL;
                if (status != ARCHIVE_WARN || block == nullptr || size == 0)
                    break;
                // A warning may still come with data (a CRC mismatch after the last block): keep it.
            }
            if (offset > m_position)
                m_holeLeft = offset - m_position;
            m_block = static_cast<const char *>(block);
            m_blockLeft = block ? size : 0;
        }
        if (done == 0 && m_error)
            return makeError(ErrorCode::Archive, *m_error);
        return done;
    }

private:
    archive *m_archive;
    std::string m_reasonPrefix;
    const char *m_block = nullptr;
    std::size_t m_blockLeft = 0;
    std::int64_t m_holeLeft = 0;
    std::int64_t m_position = 0;
    std::optional<std::string> m_error;
    bool m_fatal = false;
    bool m_end = false;
};

// One source's bytes after sniffing: the sniffed head first, then the rest straight from the input
// into the caller's buffer (the hot path for plain files: one copy, by the kernel).
class SniffedStream final : public ByteStream
{
public:
    SniffedStream(Input &input, std::string head, std::size_t headOffset, std::string name)
        : m_input(input)
        , m_head(std::move(head))
        , m_headPos(headOffset)
        , m_name(std::move(name))
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        if (m_headPos < m_head.size()) {
            done = std::min(capacity, m_head.size() - m_headPos);
            std::memcpy(buffer, m_head.data() + m_headPos, done);
            m_headPos += done;
            if (done == capacity)
                return done;
        }
        auto more = m_input.read(buffer + done, capacity - done);
        if (!more) {
            if (done > 0)
                return done; // the input's error is sticky: the caller gets it on the next read
            Error error = more.error();
            error.message = m_name + ": " + error.message;
            error.source = m_name;
            return error;
        }
        return done + *more;
    }

private:
    Input &m_input;
    std::string m_head;
    std::size_t m_headPos;
    std::string m_name;
};

// UTF-16 (BOM already skipped) decoded to UTF-8 chunk by chunk, so a large file is never held whole.
class Utf16Stream final : public ByteStream
{
public:
    Utf16Stream(ByteStream &raw, bool bigEndian)
        : m_raw(raw)
        , m_bigEndian(bigEndian)
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        while (done < capacity) {
            if (m_outPos < m_out.size()) {
                const std::size_t n = std::min(capacity - done, m_out.size() - m_outPos);
                std::memcpy(buffer + done, m_out.data() + m_outPos, n);
                m_outPos += n;
                done += n;
                continue;
            }
            if (m_end || m_error)
                break;
            refill();
        }
        if (done == 0 && m_error)
            return *m_error;
        return done;
    }

private:
    void refill()
    {
        m_out.clear();
        m_outPos = 0;
        m_in.resize(kChunkBytes);
        auto got = m_raw.read(m_in.data(), m_in.size());
        if (!got) {
            m_error = got.error();
            return;
        }
        if (*got == 0) {
            m_end = true;
            // A dangling half of a code unit or of a surrogate pair cannot be decoded.
            if (m_carry >= 0 || m_highSurrogate != 0)
                appendCodePoint(0xFFFD);
            return;
        }
        m_out.reserve(*got * 3 / 2 + 8);
        for (std::size_t i = 0; i < *got; ++i) {
            const auto byte = static_cast<unsigned char>(m_in[i]);
            if (m_carry < 0) {
                m_carry = byte;
                continue;
            }
            const auto first = static_cast<char32_t>(m_carry);
            m_carry = -1;
            decodeUnit(m_bigEndian ? (first << 8) | byte : (static_cast<char32_t>(byte) << 8) | first);
        }
    }

    void decodeUnit(char32_t unit)
    {
        if (m_highSurrogate != 0) {
            const char32_t high = m_highSurrogate;
            m_highSurrogate = 0;
            if (unit >= 0xDC00 && unit <= 0xDFFF) {
                appendCodePoint(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
                return;
            }
            appendCodePoint(0xFFFD);
        }
        if (unit >= 0xD800 && unit <= 0xDBFF)
            m_highSurrogate = unit;
        else if (unit >= 0xDC00 && unit <= 0xDFFF)
            appendCodePoint(0xFFFD);
        else
            appendCodePoint(unit);
    }

    void appendCodePoint(char32_t cp)
    {
        if (cp < 0x80) {
            m_out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            m_out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            m_out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            m_out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    ByteStream &m_raw;
    bool m_bigEndian;
    std::string m_in;
    std::string m_out;
    std::size_t m_outPos = 0;
    int m_carry = -1; // the first byte of a code unit split across chunks
    char32_t m_highSurrogate = 0;
    std::optional<Error> m_error;
    bool m_end = false;
};

enum class ContentKind { Text, Compressed, Tar, Zip, Utf16Le, Utf16Be, Binary };

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// What a source's first bytes say it is. Magic bytes only: extensions lie (a `.log` may be gzip,
// a `.gz` may be plain text), and every signature here is impossible at the start of a text log.
ContentKind classify(std::string_view head)
{
    using namespace std::string_view_literals;
    if (startsWith(head, "PK\x03\x04"sv) || startsWith(head, "PK\x05\x06"sv) || startsWith(head, "PK\x07\x08PK"sv))
        return ContentKind::Zip;
    const bool bzip2 = head.size() >= 10 && startsWith(head, "BZh"sv) && head[3] >= '1' && head[3] <= '9'
        && (head.substr(4, 6) == "\x31\x41\x59\x26\x53\x59"sv || head.substr(4, 6) == "\x17\x72\x45\x38\x50\x90"sv);
    if (startsWith(head, "\x1f\x8b\x08"sv) // gzip (deflate)
        || startsWith(head, "\xfd" "7zXZ\x00"sv) // xz
        || startsWith(head, "\x28\xb5\x2f\xfd"sv) // zstd
        || startsWith(head, "\x04\x22\x4d\x18"sv) // lz4
        || startsWith(head, "LZIP"sv) || startsWith(head, "\x1f\x9d"sv) // lzip, compress (.Z)
        || bzip2)
        return ContentKind::Compressed;
    if (head.size() >= 262 && head.substr(257, 5) == "ustar"sv)
        return ContentKind::Tar;
    // FF FE 00 00 is the UTF-32 LE BOM: not UTF-16, so it falls through to the NUL check.
    if (startsWith(head, "\xff\xfe"sv) && !startsWith(head, "\xff\xfe\x00\x00"sv))
        return ContentKind::Utf16Le;
    if (startsWith(head, "\xfe\xff"sv))
        return ContentKind::Utf16Be;
    if (head.substr(0, kSniffBytes).find('\0') != std::string_view::npos)
        return ContentKind::Binary;
    return ContentKind::Text;
}

ArchivePtr newArchiveReader()
{
    ArchivePtr a(archive_read_new());
    if (!a)
        return a;
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_raw(a.get()); // a single compressed file reads as one member
    archive_read_support_format_empty(a.get()); // a compressed empty file is an empty source
    // Not archive_read_support_filter_all(): that adds filters which run external programs on
    // untrusted bundles (lrzip, grzip) and a uudecode bidder that can fire on plain text.
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_lzma(a.get());
    archive_read_support_filter_lzip(a.get());
    archive_read_support_filter_zstd(a.get());
    archive_read_support_filter_lz4(a.get());
    archive_read_support_filter_compress(a.get());
    return a;
}

// Feeds a nested archive from the member of its parent that holds it.
struct NestedFeed {
    ByteStream &stream;
    std::string buffer = std::string(kChunkBytes, '\0');

    static la_ssize_t read(archive *a, void *client, const void **out)
    {
        auto *self = static_cast<NestedFeed *>(client);
        auto got = self->stream.read(self->buffer.data(), self->buffer.size());
        if (!got) {
            archive_set_error(a, EIO, "%s", got.error().message.c_str());
            return ARCHIVE_FATAL;
        }
        *out = self->buffer.data();
        return static_cast<la_ssize_t>(*got);
    }
};

std::int64_t toNs(fs::file_time_type time)
{
    const auto system = std::chrono::file_clock::to_sys(time);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(system.time_since_epoch()).count();
}

// What a path given by the caller is called: its last component, however the path was spelt.
std::string rootName(const std::string &path)
{
    fs::path p(path);
    if (!p.has_filename())
        p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code ec;
        const fs::path absolute = fs::weakly_canonical(fs::absolute(path, ec), ec);
        if (!ec)
            name = absolute.filename().string();
    }
    return name.empty() ? path : name;
}

std::string memberPath(archive_entry *entry)
{
    const char *raw = archive_entry_pathname_utf8(entry);
    if (!raw)
        raw = archive_entry_pathname(entry);
    std::string_view path = raw ? raw : "";
    // Tar made with `tar -C dir .` names everything `./x`; the dot says nothing to the user.
    while (!path.empty()) {
        if (path.front() == '/')
            path.remove_prefix(1);
        else if (startsWith(path, "./"))
            path.remove_prefix(2);
        else
            break;
    }
    return path.empty() ? std::string("?") : std::string(path);
}

// Files and folders below the given paths, in visiting order. Shared by totalDiskBytes() and
// visitSources() so that the progress total counts exactly the files visited.
class TreeWalker
{
public:
    using FileFn = std::function<bool(const fs::path &, const std::string &name, std::int64_t size, std::int64_t mtimeNs)>;
    using ProblemFn = std::function<void(const SourceProblem &)>;

    TreeWalker(FileFn onFile, ProblemFn onProblem)
        : m_onFile(std::move(onFile))
        , m_onProblem(std::move(onProblem))
    {
    }

    // False when onFile asked to stop.
    bool walkRoot(const std::string &path) { return walk(fs::path(path), rootName(path), true); }

private:
    bool walk(const fs::path &path, const std::string &name, bool givenByCaller)
    {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec); // follows symlinks
        if (status.type() == fs::file_type::not_found) {
            problem(name, "no such file or directory", path);
            return true;
        }
        if (ec || status.type() == fs::file_type::none) {
            problem(name, ec ? errnoReason(ec.value()) : std::string("cannot be examined"), path);
            return true;
        }
        if (fs::is_directory(status))
            return walkFolder(path, name);
        if (!fs::is_regular_file(status)) {
            // Reading a FIFO would block forever; devices and sockets hold no logs.
            if (givenByCaller)
                problem(name, "not a regular file", path);
            return true;
        }
        const auto size = fs::file_size(path, ec);
        const std::int64_t diskSize = ec ? 0 : static_cast<std::int64_t>(size);
        const auto mtime = fs::last_write_time(path, ec);
        return m_onFile(path, name, diskSize, ec ? 0 : toNs(mtime));
    }

    bool walkFolder(const fs::path &path, const std::string &name)
    {
        std::error_code ec;
        const fs::path canonical = fs::canonical(path, ec);
        if (!ec && !m_visitedFolders.insert(canonical).second)
            return true; // a symlink loop, or a folder reached twice: once is enough

        std::vector<std::string> entries;
        fs::directory_iterator it(path, ec);
        if (ec) {
            problem(name, errnoReason(ec.value()), path);
            return true;
        }
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            entries.push_back(it->path().filename().string());
        }
        if (ec)
            problem(name, errnoReason(ec.value()), path);
        std::sort(entries.begin(), entries.end());
        for (const std::string &entry : entries) {
            if (!walk(path / entry, name + '/' + entry, false))
                return false;
        }
        return true;
    }

    void problem(const std::string &name, const std::string &reason, const fs::path &path)
    {
        if (m_onProblem)
            m_onProblem(SourceProblem{name, reason, path.string(), 0});
    }

    FileFn m_onFile;
    ProblemFn m_onProblem;
    std::set<fs::path> m_visitedFolders;
};

// Turns files into sources: sniffs each, opens containers (nested ones too) and hands the rest
// to the visitor.
class SourceWalker
{
public:
    explicit SourceWalker(const SourceVisitor &visitor)
        : m_visitor(visitor)
    {
    }

    bool cancelled() const { return m_cancelled; }

    bool visitFile(const fs::path &path, const std::string &name, std::int64_t diskSize, std::int64_t mtimeNs)
    {
        SourceInfo info{name, path.string(), diskSize, diskSize, mtimeNs};
        errno = 0;
        FilePtr file(std::fopen(path.c_str(), "rb"));
        if (!file) {
            problem(info, errnoReason(errno != 0 ? errno : EIO));
            return true;
        }
        // Unbuffered: every read() of the caller lands in its own buffer without a stdio copy.
        std::setvbuf(file.get(), nullptr, _IONBF, 0);
        FileInput input(std::move(file));
        visitContent(input, info, 0, &path);
        return !m_cancelled;
    }

private:
    void problem(const SourceInfo &info, const std::string &reason)
    {
        if (m_visitor.onProblem)
            m_visitor.onProblem(SourceProblem{info.name, reason, info.diskPath, info.diskSize});
    }

    void deliver(const SourceInfo &info, ByteStream &stream)
    {
        if (m_visitor.onSource && !m_visitor.onSource(info, stream))
            m_cancelled = true;
    }

    // `diskFile` is set for a file on disk, which libarchive may open by name (and seek in).
    void visitContent(Input &input, SourceInfo info, int depth, const fs::path *diskFile)
    {
        std::string head(kSniffBytes, '\0');
        std::size_t got = 0;
        std::optional<Error> headError;
        while (got < head.size()) {
            auto n = input.read(head.data() + got, head.size() - got);
            if (!n) {
                headError = n.error();
                break;
            }
            if (*n == 0)
                break;
            got += *n;
        }
        head.resize(got);
        if (headError && got == 0) {
            problem(info, headError->message);
            return;
        }

        const ContentKind kind = classify(head);
        switch (kind) {
        case ContentKind::Compressed:
        case ContentKind::Tar:
        case ContentKind::Zip: {
            if (depth >= kMaxNesting) {
                problem(info, "archive nested too deeply");
                return;
            }
            SniffedStream stream(input, std::move(head), 0, info.name);
            visitContainer(stream, info, depth, kind, diskFile);
            return;
        }
        case ContentKind::Utf16Le:
        case ContentKind::Utf16Be: {
            info.size = -1;
            SniffedStream raw(input, std::move(head), 2, info.name);
            Utf16Stream utf8(raw, kind == ContentKind::Utf16Be);
            deliver(info, utf8);
            return;
        }
        case ContentKind::Binary:
            problem(info, "binary");
            return;
        case ContentKind::Text: {
            SniffedStream stream(input, std::move(head), 0, info.name);
            deliver(info, stream);
            return;
        }
        }
    }

    void visitContainer(ByteStream &stream, const SourceInfo &info, int depth, ContentKind kind, const fs::path *diskFile)
    {
        // Until libarchive has read a header, a compressed file may be a tarball or a single file.
        const std::string corrupt = kind == ContentKind::Compressed ? "corrupt compressed data: " : "corrupt archive: ";
        if (diskFile) {
            const std::string path = diskFile->string();
            visitArchiveFile(path, info, depth, corrupt, kind == ContentKind::Zip);
            return;
        }
        if (kind == ContentKind::Zip) {
            // A zip is only read reliably from its central directory at the end, which takes
            // seeking: spool the member to a private temporary file, removed when done.
            QTemporaryFile spool;
            if (!spool.open()) {
                problem(info, "cannot spool nested zip: " + spool.errorString().toStdString());
                return;
            }
            std::string buffer(kChunkBytes, '\0');
            for (;;) {
                auto got = stream.read(buffer.data(), buffer.size());
                if (!got) {
                    // The message already names the member.
                    const std::string &message = got.error().message;
                    const std::string prefix = info.name + ": ";
                    problem(info, startsWith(message, prefix) ? message.substr(prefix.size()) : message);
                    return;
                }
                if (*got == 0)
                    break;
                if (spool.write(buffer.data(), static_cast<qint64>(*got)) != static_cast<qint64>(*got)) {
                    problem(info, "cannot spool nested zip: " + spool.errorString().toStdString());
                    return;
                }
            }
            if (!spool.flush()) {
                problem(info, "cannot spool nested zip: " + spool.errorString().toStdString());
                return;
            }
            visitArchiveFile(QFile::encodeName(spool.fileName()).toStdString(), info, depth, corrupt, true);
            return;
        }
        ArchivePtr a = newArchiveReader();
        NestedFeed feed{stream};
        if (!a || archive_read_open(a.get(), &feed, nullptr, &NestedFeed::read, nullptr) != ARCHIVE_OK) {
            problem(info, corrupt + (a ? archiveMessage(a.get()) : std::string("out of memory")));
            return;
        }
        visitArchive(std::move(a), info, depth, corrupt, nullptr);
    }

    // An archive that is a whole file, so libarchive may seek in it.
    void visitArchiveFile(const std::string &path, const SourceInfo &info, int depth, const std::string &corrupt, bool zip)
    {
        ArchivePtr a = newArchiveReader();
        if (!a || archive_read_open_filename(a.get(), path.c_str(), kChunkBytes) != ARCHIVE_OK) {
            problem(info, corrupt + (a ? archiveMessage(a.get()) : std::string("out of memory")));
            return;
        }
        visitArchive(std::move(a), info, depth, corrupt, zip ? &path : nullptr);
    }

    // libarchive gives up on an archive after a fatal error in one member (a zip member whose
    // deflate data is damaged). A zip on disk lists its members in the central directory, so the
    // others are still reachable: open it again and skip the first `count` headers, which seeks
    // past their data instead of decompressing it.
    ArchivePtr reopenAfter(const std::string &path, int count)
    {
        ArchivePtr a = newArchiveReader();
        if (!a || archive_read_open_filename(a.get(), path.c_str(), kChunkBytes) != ARCHIVE_OK)
            return nullptr;
        for (int i = 0; i < count; ++i) {
            archive_entry *entry = nullptr;
            const int status = archive_read_next_header(a.get(), &entry);
            if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
                return nullptr;
        }
        return a;
    }

    // `reopenPath`: the zip file to reopen after a fatal member error, if any.
    void visitArchive(ArchivePtr a, const SourceInfo &container, int depth, const std::string &corruptPrefix,
        const std::string *reopenPath)
    {
        int members = 0;
        int headers = 0;
        for (;;) {
            archive_entry *entry = nullptr;
            const int status = archive_read_next_header(a.get(), &entry);
            if (status == ARCHIVE_EOF)
                break;
            if (status == ARCHIVE_FATAL || status == ARCHIVE_RETRY) {
                const int format = archive_format(a.get());
                const bool archiveKnown = format != 0 && format != ARCHIVE_FORMAT_RAW;
                problem(container, (archiveKnown ? std::string("corrupt archive: ") : corruptPrefix) + archiveMessage(a.get()));
                return;
            }
            ++headers;
            const bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
            if (raw && archive_filter_count(a.get()) <= 1) {
                // The magic promised an archive, yet libarchive saw neither format nor compression.
                problem(container, "corrupt archive: unrecognized archive format");
                return;
            }
            if (status == ARCHIVE_FAILED) {
                // This header is unusable but the archive may go on.
                problem(container, "corrupt archive member: " + archiveMessage(a.get()));
                continue;
            }
            if (!raw && (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr))
                continue; // folders, links, devices; a tar hard link repeats data already visited
            ++members;

            SourceInfo info = container;
            info.name = raw ? container.name : container.name + "!/" + memberPath(entry);
            info.size = !raw && archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
            // A gzip header written with `gzip -n` holds mtime 0: the file's time says more.
            if (archive_entry_mtime_is_set(entry) && archive_entry_mtime(entry) > 0)
                info.mtimeNs = static_cast<std::int64_t>(archive_entry_mtime(entry)) * 1'000'000'000
                    + archive_entry_mtime_nsec(entry);

            if (!raw && archive_entry_is_data_encrypted(entry) == 1) {
                problem(info, "encrypted archive member");
                continue;
            }
            EntryInput input(a.get(), raw ? "corrupt compressed data: " : "corrupt archive member: ");
            visitContent(input, info, depth + 1, nullptr);
            if (m_cancelled)
                return;
            if (input.fatal()) {
                // The member said why (a problem, or an error from its stream).
                a = reopenPath ? reopenAfter(*reopenPath, headers) : nullptr;
                if (!a)
                    return;
            }
        }
        if (members > 0)
            return;
        if (archive_format(a.get()) == ARCHIVE_FORMAT_EMPTY && archive_filter_count(a.get()) > 1) {
            SourceInfo info = container;
            info.size = 0;
            NoBytes nothing;
            deliver(info, nothing);
            return;
        }
        problem(container, "empty archive");
    }

    class NoBytes final : public ByteStream
    {
    public:
        Result<std::size_t> read(char *, std::size_t) override { return std::size_t{0}; }
    };

    const SourceVisitor &m_visitor;
    bool m_cancelled = false;
};

} // namespace

std::uint64_t totalDiskBytes(const std::vector<std::string> &paths)
{
    std::uint64_t total = 0;
    TreeWalker walker(
        [&total](const fs::path &, const std::string &, std::int64_t size, std::int64_t) {
            total += static_cast<std::uint64_t>(size);
            return true;
        },
        nullptr);
    for (const std::string &path : paths)
        (void)walker.walkRoot(path);
    return total;
}

Result<void> visitSources(const std::vector<std::string> &paths, const SourceVisitor &visitor)
{
    SourceWalker sources(visitor);
    TreeWalker walker(
        [&sources](const fs::path &path, const std::string &name, std::int64_t size, std::int64_t mtimeNs) {
            return sources.visitFile(path, name, size, mtimeNs);
        },
        visitor.onProblem);
    for (const std::string &path : paths) {
        if (!walker.walkRoot(path) || sources.cancelled())
            return makeError(ErrorCode::Cancelled, "visiting sources was cancelled");
    }
    return {};
}

} // namespace core
