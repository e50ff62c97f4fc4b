/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the config loader (cfg_load_string): the JSON
 * parse, the schema walk, units, policy parameters, rules and the cross
 * checks.  A config is written by root, but the loader must still never
 * crash, leak or fail without saying why, whatever the file holds.  An
 * accepted config is also dumped (`config show`) and resolved for a
 * domain, the two other walks over what the loader built.  Every error
 * message is printable ASCII: the file's bytes reach the operator's
 * terminal only through the quoting function (common/quote.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "errlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Configs are small; longer inputs only slow the fuzzer down. */
#define FUZZ_CONFIG_MAX (64 * 1024)

static void
check_accepted(const struct xb_config *cfg)
{
    struct cfg_domset set;
    json_t *j = cfg_to_json(cfg);
    char *text;

    if (j == NULL)
        abort();
    cfg_resolve(cfg, "web", 3, &set);
    cfg_resolve(cfg, NULL, 0, &set);
    text = json_dumps(j, JSON_COMPACT);
    if (text == NULL)
        abort();
    free(text);
    json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xb_errlist el;
    struct xb_config *cfg;
    char *text;

    if (size > FUZZ_CONFIG_MAX)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    xb_errlist_init(&el);
    cfg = cfg_load_string(text, "fuzz.json", &el);
    if (cfg != NULL) {
        if (el.n != 0)
            abort(); /* accepted with errors */
        check_accepted(cfg);
        cfg_free(cfg);
    } else if (el.n == 0) {
        abort(); /* refused without a reason */
    }
    for (size_t i = 0; i < el.nmsgs; i++)
        for (const char *p = el.msgs[i]; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                abort(); /* raw bytes would reach a terminal */
    xb_errlist_dispose(&el);
    free(text);
    return 0;
}
