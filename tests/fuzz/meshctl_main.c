/* SPDX-License-Identifier: GPL-2.0-or-later */
/* meshctl's main() as meshctl_main(), for fuzz_meshctl_reply.c. */
int meshctl_main(int argc, char **argv);
#define main meshctl_main
#include "tools/meshctl/meshctl.c"
