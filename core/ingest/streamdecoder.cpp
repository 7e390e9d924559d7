// SPDX-License-Identifier: MIT
#include "streamdecoder.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstring>

namespace core {

namespace {

using namespace std::string_view_literals;

constexpr std::string_view GzipMagic = "\x1f\x8b\x08"sv;
constexpr std::string_view XzMagic = "\xfd" "7zXZ\x00"sv;
constexpr std::string_view ZstdMagic = "\x28\xb5\x2f\xfd"sv;

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// The libraries count in unsigned int: feed them at most this much per call.
constexpr std::size_t MaxStep = UINT_MAX / 2;

unsigned int clampToUnsigned(std::size_t size)
{
    return static_cast<unsigned int>(std::min(size, MaxStep));
}

class GzipDecoder final : public StreamDecoder
{
public:
    GzipDecoder()
    {
        // 15 + 16: a gzip wrapper (not zlib's), the largest window.
        if (inflateInit2(&m_stream, 15 + 16) != Z_OK)
            m_error = "zlib could not start";
        watchHeader();
    }
    ~GzipDecoder() override { inflateEnd(&m_stream); }

    Step decode(std::string_view in, char *out, std::size_t capacity) override
    {
        if (!m_error.empty())
            return {0, 0, Status::Error};
        m_stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
        m_stream.avail_in = clampToUnsigned(in.size());
        m_stream.next_out = reinterpret_cast<Bytef *>(out);
        m_stream.avail_out = clampToUnsigned(capacity);
        const uInt inBefore = m_stream.avail_in;
        const uInt outBefore = m_stream.avail_out;
        const int result = inflate(&m_stream, Z_NO_FLUSH);
        Step step{inBefore - m_stream.avail_in, outBefore - m_stream.avail_out, Status::Progress};
        if (result == Z_STREAM_END) {
            step.status = Status::StreamEnd;
        } else if (result != Z_OK && !(result == Z_BUF_ERROR && (step.consumed > 0 || step.produced > 0 || in.empty()))) {
            m_error = std::string("damaged gzip data (") + (m_stream.msg ? m_stream.msg : "inflate failed") + ")";
            step.status = Status::Error;
        }
        return step;
    }

    void restart() override
    {
        inflateReset(&m_stream);
        watchHeader();
    }

    bool startsStream(std::string_view head) const override { return startsWith(head, GzipMagic); }
    std::int64_t headerMtimeSeconds() const override { return m_header.done == 1 ? static_cast<std::int64_t>(m_header.time) : 0; }

private:
    void watchHeader()
    {
        m_header = gz_header{};
        inflateGetHeader(&m_stream, &m_header);
    }

    z_stream m_stream{};
    gz_header m_header{};
};

class XzDecoder final : public StreamDecoder
{
public:
    XzDecoder() { start(); }
    ~XzDecoder() override { lzma_end(&m_stream); }

    Step decode(std::string_view in, char *out, std::size_t capacity) override
    {
        if (!m_error.empty())
            return {0, 0, Status::Error};
        m_stream.next_in = reinterpret_cast<const std::uint8_t *>(in.data());
        m_stream.avail_in = in.size();
        m_stream.next_out = reinterpret_cast<std::uint8_t *>(out);
        m_stream.avail_out = capacity;
        const lzma_ret result = lzma_code(&m_stream, LZMA_RUN);
        Step step{in.size() - m_stream.avail_in, capacity - m_stream.avail_out, Status::Progress};
        if (result == LZMA_STREAM_END) {
            step.status = Status::StreamEnd;
        } else if (result != LZMA_OK && !(result == LZMA_BUF_ERROR && in.empty())) {
            m_error = result == LZMA_DATA_ERROR ? "damaged xz data"
                : result == LZMA_FORMAT_ERROR   ? "not xz data"
                : result == LZMA_MEM_ERROR      ? "xz ran out of memory"
                                                : "damaged xz data (xz error " + std::to_string(int(result)) + ")";
            step.status = Status::Error;
        }
        return step;
    }

    void restart() override
    {
        lzma_end(&m_stream);
        m_stream = LZMA_STREAM_INIT;
        start();
    }

    bool startsStream(std::string_view head) const override { return startsWith(head, XzMagic); }

private:
    void start()
    {
        // One stream at a time (no LZMA_CONCATENATED): the caller sees where each ends, so that
        // data after the last one is told apart from damage inside it.
        if (lzma_stream_decoder(&m_stream, UINT64_MAX, 0) != LZMA_OK)
            m_error = "liblzma could not start";
    }

    lzma_stream m_stream = LZMA_STREAM_INIT;
};

class ZstdDecoder final : public StreamDecoder
{
public:
    ZstdDecoder()
        : m_stream(ZSTD_createDStream())
    {
        if (!m_stream)
            m_error = "zstd could not start";
    }
    ~ZstdDecoder() override { ZSTD_freeDStream(m_stream); }

    Step decode(std::string_view in, char *out, std::size_t capacity) override
    {
        if (!m_error.empty())
            return {0, 0, Status::Error};
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        ZSTD_outBuffer output{out, capacity, 0};
        const std::size_t result = ZSTD_decompressStream(m_stream, &output, &input);
        Step step{input.pos, output.pos, Status::Progress};
        if (ZSTD_isError(result)) {
            m_error = std::string("damaged zstd data (") + ZSTD_getErrorName(result) + ")";
            step.status = Status::Error;
        } else if (result == 0) {
            step.status = Status::StreamEnd; // a frame decoded and flushed
        }
        return step;
    }

    void restart() override { ZSTD_DCtx_reset(m_stream, ZSTD_reset_session_only); }

    bool startsStream(std::string_view head) const override
    {
        // A frame, or a skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian).
        return startsWith(head, ZstdMagic)
            || (head.size() >= 4 && (static_cast<unsigned char>(head[0]) & 0xF0) == 0x50 && head.substr(1, 3) == "\x2a\x4d\x18"sv);
    }

private:
    ZSTD_DStream *m_stream;
};

class Bzip2Decoder final : public StreamDecoder
{
public:
    Bzip2Decoder() { start(); }
    ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&m_stream); }

    Step decode(std::string_view in, char *out, std::size_t capacity) override
    {
        if (!m_error.empty())
            return {0, 0, Status::Error};
        m_stream.next_in = const_cast<char *>(in.data());
        m_stream.avail_in = clampToUnsigned(in.size());
        m_stream.next_out = out;
        m_stream.avail_out = clampToUnsigned(capacity);
        const unsigned int inBefore = m_stream.avail_in;
        const unsigned int outBefore = m_stream.avail_out;
        const int result = BZ2_bzDecompress(&m_stream);
        Step step{inBefore - m_stream.avail_in, outBefore - m_stream.avail_out, Status::Progress};
        if (result == BZ_STREAM_END) {
            step.status = Status::StreamEnd;
        } else if (result != BZ_OK) {
            m_error = result == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "damaged bzip2 data";
            step.status = Status::Error;
        }
        return step;
    }

    void restart() override
    {
        BZ2_bzDecompressEnd(&m_stream);
        m_stream = bz_stream{};
        start();
    }

    bool startsStream(std::string_view head) const override
    {
        return head.size() >= 4 && startsWith(head, "BZh"sv) && head[3] >= '1' && head[3] <= '9';
    }

private:
    void start()
    {
        if (BZ2_bzDecompressInit(&m_stream, 0, 0) != BZ_OK)
            m_error = "bzip2 could not start";
    }

    bz_stream m_stream{};
};

} // namespace

std::optional<CompressedFormat> recogniseCompressed(std::string_view head)
{
    if (startsWith(head, GzipMagic))
        return CompressedFormat::Gzip;
    if (startsWith(head, XzMagic))
        return CompressedFormat::Xz;
    if (startsWith(head, ZstdMagic))
        return CompressedFormat::Zstd;
    // "BZh", the block size, then the magic of a first block or of an empty stream's end.
    if (head.size() >= 10 && startsWith(head, "BZh"sv) && head[3] >= '1' && head[3] <= '9'
        && (head.substr(4, 6) == "\x31\x41\x59\x26\x53\x59"sv || head.substr(4, 6) == "\x17\x72\x45\x38\x50\x90"sv))
        return CompressedFormat::Bzip2;
    return std::nullopt;
}

std::string_view formatName(CompressedFormat format)
{
    switch (format) {
    case CompressedFormat::Gzip: return "gzip";
    case CompressedFormat::Xz: return "xz";
    case CompressedFormat::Zstd: return "zstd";
    case CompressedFormat::Bzip2: return "bzip2";
    }
    return "compressed";
}

std::unique_ptr<StreamDecoder> StreamDecoder::create(CompressedFormat format)
{
    switch (format) {
    case CompressedFormat::Gzip: return std::make_unique<GzipDecoder>();
    case CompressedFormat::Xz: return std::make_unique<XzDecoder>();
    case CompressedFormat::Zstd: return std::make_unique<ZstdDecoder>();
    case CompressedFormat::Bzip2: return std::make_unique<Bzip2Decoder>();
    }
    return nullptr;
}

} // namespace core
