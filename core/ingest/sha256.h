// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace core {

// SHA-256 of a byte stream fed piece by piece (OpenSSL: SHA-NI where the CPU has it).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    void add(std::string_view bytes);
    // The digest as 64 lowercase hex digits; starts a new digest.
    std::string finish();

private:
    struct Free {
        void operator()(EVP_MD_CTX *context) const;
    };
    std::unique_ptr<EVP_MD_CTX, Free> m_context;
};

} // namespace core
