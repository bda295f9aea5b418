/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which core modules this build replaced by the stand-ins of tests/l2stubs
 * (tests/sim/meson.build sets SIM_STUB_TT / SIM_STUB_DATA and links them
 * before l2core, so the library's module is then not used).
 */
#include "tests/sim/sim.h"

/* The simulator prints this, so nobody mistakes a stubbed run for a full one. */
const char *sim_stubs_note(void)
{
	if (SIM_STUB_TT && SIM_STUB_DATA)
		return "stubs: translation table and data plane";
	if (SIM_STUB_TT)
		return "stubs: translation table";
	if (SIM_STUB_DATA)
		return "stubs: data plane";
	return "stubs: none";
}
