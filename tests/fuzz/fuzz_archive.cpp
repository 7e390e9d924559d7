// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a file given to the import, through the source reader (magic
// sniffing, libarchive's zip and tar readers, the gzip/xz/zstd/bzip2 decoders, nested containers,
// UTF-16, the line cut and the decompression limits). None may crash, hang or read out of bounds;
// no line delivered may be longer than MaxLineBytes.
#include <core/ingest/sourcereader.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // The input as a file, without touching the disk: the reader opens paths.
    const int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) {
        close(fd);
        return 0;
    }
    core::SourceVisitor visitor;
    // A fuzzer's bombs must not take its memory or its time: a few MiB per input is plenty.
    visitor.limits.minimumBytes = 4 << 20;
    visitor.limits.ratio = 10;
    visitor.onSource = [](const core::SourceInfo &, core::ByteStream &stream) {
        std::string buffer(1 << 16, '\0');
        std::size_t lineBytes = 0;
        for (;;) {
            auto got = stream.read(buffer.data(), buffer.size());
            if (!got || *got == 0)
                break;
            if (*got > buffer.size())
                std::abort();
            for (std::size_t i = 0; i < *got; ++i) {
                lineBytes = buffer[i] == '\n' ? 0 : lineBytes + 1;
                if (lineBytes > core::MaxLineBytes)
                    std::abort();
            }
        }
        return true;
    };
    visitor.onProblem = [](const core::SourceProblem &problem) {
        if (problem.reason.empty())
            std::abort(); // a problem always says why
    };
    (void)core::visitSources({"/proc/self/fd/" + std::to_string(fd)}, visitor);
    close(fd);
    return 0;
}
