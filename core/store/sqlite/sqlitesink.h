// SPDX-License-Identifier: MIT
#pragma once

#include <core/store/importsink.h>

#include <functional>
#include <memory>
#include <string>

namespace core {

// The SQLite store's import sink. The producer's thread also compresses raw lines and counts buckets
// and the field catalogue; an indexer thread builds posting lists; a writer thread owns the connection
// and commits the first batch at once, then every quarter second and at the end of each source. That
// is the import's measured layout on two cores (parse, index, insert), now inside the backend that
// needs it.
class SqliteSink final : public ImportSink
{
public:
    // Holds the store's writer lock until destroyed; `keepWaiting` as for openSink.
    static Result<std::unique_ptr<SqliteSink>> open(const std::string &path,
                                                    const std::function<bool()> &keepWaiting = {});
    // Without finish(): stops the threads and rolls back what was not committed.
    ~SqliteSink() override;

    Result<std::vector<SourceRow>> existingSources() override;
    std::vector<SourceRow> rolledBackSources() const override;
    std::int64_t nextSourceId() override;
    Result<void> beginSource(const SourceRow &source, std::int64_t mtimeNs, std::int64_t replacesSourceId) override;
    Result<void> addFailedSource(const SourceRow &source) override;
    std::unique_ptr<RecordBatch> emptyBatch() override;
    Result<void> add(std::int64_t sourceId, std::unique_ptr<RecordBatch> batch, std::vector<RawLines> raw) override;
    Result<void> endSource(const SourceRow &source) override;
    Result<void> dropSource(std::int64_t sourceId) override;
    std::uint64_t committedEvents() const override;
    Result<void> flush() override;
    Result<void> finish() override;

    struct Private;

private:
    explicit SqliteSink(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace core
