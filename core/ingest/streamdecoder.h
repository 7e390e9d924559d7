// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace core {

// The compressions a single compressed log comes in, decoded by their own libraries rather than
// through libarchive: libarchive's filters drop what they decoded in the call that meets damage (up
// to 64 KiB, about 1,000 lines of a truncated .gz), where these keep every byte that decodes.
enum class CompressedFormat { Gzip, Xz, Zstd, Bzip2 };

// The format whose magic bytes `head` starts with.
std::optional<CompressedFormat> recogniseCompressed(std::string_view head);
std::string_view formatName(CompressedFormat format); // "gzip", "xz", "zstd", "bzip2"

// One stream (a gzip member, an xz stream, a zstd frame, a bzip2 stream) at a time: the caller
// restarts it for the next of a concatenation. No Qt, so the fuzzers build it as it is.
class StreamDecoder
{
public:
    enum class Status {
        Progress, ///< consumed or produced something; call again
        StreamEnd, ///< the stream is complete: what follows is another stream, padding or other data
        Error, ///< the data is damaged; error() says how
    };
    struct Step {
        std::size_t consumed = 0;
        std::size_t produced = 0;
        Status status = Status::Progress;
    };

    static std::unique_ptr<StreamDecoder> create(CompressedFormat format);
    virtual ~StreamDecoder() = default;

    // Decodes from `in` into `out`; needs more input when it consumed all of it and produced less than `capacity`.
    virtual Step decode(std::string_view in, char *out, std::size_t capacity) = 0;
    // Ready for the next stream of a concatenation.
    virtual void restart() = 0;
    // Whether a stream may start with `head` (its magic, or a zstd skippable frame); false for too few bytes.
    virtual bool startsStream(std::string_view head) const = 0;
    // The mtime a gzip header holds, once decoding is past it (0 when it holds none, as `gzip -n` writes).
    virtual std::int64_t headerMtimeSeconds() const { return 0; }
    const std::string &error() const { return m_error; }

protected:
    std::string m_error;
};

} // namespace core
