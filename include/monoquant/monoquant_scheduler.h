/*
 * monoquant scheduler API: included by monoquant/monoquant.h, never on its own.
 */
#ifndef MONOQUANT_MONOQUANT_SCHEDULER_H
#define MONOQUANT_MONOQUANT_SCHEDULER_H

#include "monoquant/monoquant.h"

#endif /* MONOQUANT_MONOQUANT_SCHEDULER_H */
