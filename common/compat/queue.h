/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * <sys/queue.h> plus the _SAFE iterators glibc leaves out.
 */
#ifndef XB_COMMON_COMPAT_QUEUE_H
#define XB_COMMON_COMPAT_QUEUE_H

#include <sys/queue.h>

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                             \
    for ((var) = TAILQ_FIRST((head));                                          \
         (var) && ((tvar) = TAILQ_NEXT((var), field), 1); (var) = (tvar))
#endif

#ifndef LIST_FOREACH_SAFE
#define LIST_FOREACH_SAFE(var, head, field, tvar)                              \
    for ((var) = LIST_FIRST((head));                                           \
         (var) && ((tvar) = LIST_NEXT((var), field), 1); (var) = (tvar))
#endif

#endif
