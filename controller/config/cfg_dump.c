/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The schema-table engine's way back (see cfg_schema.h): one object dumped
 * as JSON from its key table, the effective config that `config show`
 * prints, with words for enums, sizes and durations in the file's own
 * units, and sparse keys left out while they are unset.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg_schema.h"
#include "cfg_value.h"
#include "config.h"

static const char *
cfg_word_name(const struct cfg_word *w, int value)
{
    for (; w->name != NULL; w++)
        if (w->value == value)
            return w->name;
    return "unknown";
}

/* For CK_SPARSE keys: still at the default, i.e. unset? */
static int
cfg_is_default(const struct cfg_key *k, const void *base)
{
    const char *s;

    switch (k->type) {
    case CT_SIZE:
    case CT_DURATION:
    case CT_U64:
        return *CFIELD(base, k, uint64_t) == k->def;
    case CT_UINT:
        return *CFIELD(base, k, unsigned) == k->def;
    case CT_INT:
    case CT_BOOL:
        return *CFIELD(base, k, int) == k->idef;
    case CT_STRING:
    case CT_WORD:
        s = *CFIELD(base, k, char *);
        return s == NULL ? k->sdef == NULL
                         : k->sdef != NULL && strcmp(s, k->sdef) == 0;
    default:
        return 0;
    }
}

static json_t *
cfg_dump_key(const struct cfg_key *k, const void *base)
{
    const char *s;
    char buf[CFG_VALUE_BUF];
    uint64_t u;

    switch (k->type) {
    case CT_SIZE:
    case CT_DURATION:
        u = *CFIELD(base, k, uint64_t);
        if (u == 0)
            return json_integer(0);
        if (k->type == CT_SIZE)
            cfg_fmt_size(u, buf, sizeof(buf));
        else
            cfg_fmt_duration(u, buf, sizeof(buf));
        return json_string(buf);
    case CT_U64:
        return json_integer((json_int_t)*CFIELD(base, k, uint64_t));
    case CT_UINT:
        return json_integer(*CFIELD(base, k, unsigned));
    case CT_INT:
        return json_integer(*CFIELD(base, k, int));
    case CT_BOOL:
        return json_boolean(*CFIELD(base, k, int) > 0);
    case CT_DOUBLE:
        return json_real(*CFIELD(base, k, double));
    case CT_ENUM:
        return json_string(cfg_word_name(k->words, *CFIELD(base, k, int)));
    case CT_STRING:
    case CT_WORD:
        s = *CFIELD(base, k, char *);
        return s != NULL ? json_string(s) : json_null();
    case CT_OBJECT:
        return cfg_dump_object(k->sub, CFIELD(base, k, char));
    case CT_NODE:
        return k->n_dump(base);
    }
    return json_null();
}

json_t *
cfg_dump_object(const struct cfg_schema *sc, const void *base)
{
    json_t *obj = json_object();

    for (const struct cfg_key *k = sc->keys; k->name != NULL; k++) {
        if ((k->flags & CK_SPARSE) && cfg_is_default(k, base))
            continue;
        if (k->shown != NULL && !k->shown(base))
            continue;
        json_object_set_new(obj, k->name, cfg_dump_key(k, base));
    }
    return obj;
}
