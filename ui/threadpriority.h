// SPDX-License-Identifier: MIT
#pragma once

// Lowers the calling thread's CPU priority for long background work (an import, a histogram, the
// sidebar's tallies), so that the GUI thread and the table's page reads get a core as soon as they
// need one, even on a machine with two. On Linux, threads the caller starts afterwards inherit it
// (the importer's parser and indexer threads). Idempotent per thread.
void lowerCurrentThreadPriority();
