// SPDX-License-Identifier: MIT
#include <cstdio>

int main()
{
    std::puts("timberline " TL_VERSION);
    return 0;
}
