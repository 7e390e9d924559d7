// SPDX-License-Identifier: MIT
#include "store.h"
