/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy registry: lookup, parameter validation (JSON paths, ranges,
 * unknown keys, every error reported), defaults, unit strings, and the
 * shape of describe/catalogue output.
 */
#include "test_pol_common.h"

/* Creates `policy` with `params` (JSON text); returns the joined errors. */
static char *
try_create(const char *policy, const char *params, const char *jpath,
           struct xb_policy_inst **pi)
{
    struct xb_errlist el;
    json_t *j = NULL;
    char *msg;

    if (params != NULL)
        ck_assert_ptr_nonnull(j = json_loads(params, JSON_DECODE_ANY, NULL));
    xb_errlist_init(&el);
    *pi = xb_policy_create(policy, j, jpath, &el);
    msg = xb_errlist_join(&el);
    ck_assert((*pi == NULL) == (el.n > 0));
    xb_errlist_dispose(&el);
    json_decref(j);
    return msg;
}

START_TEST(test_find_and_names)
{
    char *names = xb_policy_names();

    ck_assert_str_eq(names, "static, selfballoon, proportional, squeeze, "
                            "pressure");
    free(names);
    for (size_t i = 0; xb_policies[i] != NULL; i++) {
        ck_assert_ptr_eq(xb_policy_find(xb_policies[i]->name), xb_policies[i]);
        ck_assert_uint_eq(xb_policies[i]->abi, XB_POLICY_ABI);
        ck_assert_ptr_nonnull(xb_policies[i]->plan);
        ck_assert(xb_policies[i]->history >= 1 &&
                  xb_policies[i]->history <= XB_POL_HISTORY_MAX);
    }
    ck_assert_ptr_null(xb_policy_find("nope"));
    ck_assert_ptr_null(xb_policy_find(NULL));
}
END_TEST

/* Table-driven: params text -> the exact error list (NULL: success). */
static const struct {
    const char *policy, *params, *jpath, *errors;
} create_cases[] = {
    { "balloon", NULL, "policy.params",
      "policy.name: unknown policy \"balloon\" (known: static, selfballoon, "
      "proportional, squeeze, pressure)" },
    { "balloon", NULL, NULL,
      "name: unknown policy \"balloon\" (known: static, selfballoon, "
      "proportional, squeeze, pressure)" },
    { "proportional", "{\"margin\": 0.5}", "policy.params",
      "policy.params.margin: 0.5 is out of range [1, 4]" },
    { "proportional", "{\"margin\": 0.5}", NULL,
      "params.margin: 0.5 is out of range [1, 4]" },
    { "proportional", "{\"margin\": 9, \"floor\": \"12X\", \"bogus\": 1}",
      "policy.params",
      "policy.params.margin: 9 is out of range [1, 4]\n"
      "policy.params.floor: \"12X\" is not a size (use K, M, G or T)\n"
      "policy.params.bogus: unknown parameter (valid for 'proportional': "
      "margin, floor)" },
    { "proportional", "{\"floor\": \"32T\"}", "policy.params",
      "policy.params.floor: 32T is out of range [0, 16T]" },
    { "proportional", "{\"margin\": \"1.5\"}", "policy.params",
      "policy.params.margin: expected a number" },
    { "selfballoon", "{\"downhysteresis\": 1.5}", "policy.params",
      "policy.params.downhysteresis: expected an integer" },
    { "selfballoon", "{\"downhysteresis\": 0}", "policy.params",
      "policy.params.downhysteresis: 0 is out of range [1, 1000]" },
    { "selfballoon", "{\"reserved\": true}", "policy.params",
      "policy.params.reserved: expected an integer KiB or a string" },
    { "static", "{\"x\": 1}", "policy.params",
      "policy.params.x: unknown parameter (policy 'static' takes none)" },
    { "squeeze", "[1]", "policy.params", "policy.params: expected an object" },
    { "pressure", "{\"window\": \"2h\"}", "policy.params",
      "policy.params.window: 2h is out of range [1s, 10m]" },
    { "pressure", "{\"window\": \"5 s\"}", "policy.params",
      "policy.params.window: \"5 s\" is not a duration (use ms, s, m, h or "
      "d)" },
    /* Every kind of leading whitespace, the same answer (strtod skipped
     * "\t" and "\n"). */
    { "pressure", "{\"window\": \"\\t5s\"}", "policy.params",
      "policy.params.window: \"?5s\" is not a duration (use ms, s, m, h or "
      "d)" },
    { "pressure", "{\"window\": \"\\n5s\"}", "policy.params",
      "policy.params.window: \"?5s\" is not a duration (use ms, s, m, h or "
      "d)" },
    { "pressure", "{\"window\": \" 5s\"}", "policy.params",
      "policy.params.window: \" 5s\" is not a duration (use ms, s, m, h or "
      "d)" },
    { "pressure", "{\"grow_step\": 0.5}", "policy.params",
      "policy.params: need grow_step (0.5) <= grow_max (0.25) <= "
      "emergency_step (0.5)" },
    { "pressure", "{\"window\": \"30s\", \"tax\": 0.5}", "policy.params",
      NULL },
    { "squeeze", "null", "policy.params", NULL },
    { "static", "{}", "policy.params", NULL },
};

START_TEST(test_create_table)
{
    struct xb_policy_inst *pi;
    char *msg = try_create(create_cases[_i].policy, create_cases[_i].params,
                           create_cases[_i].jpath, &pi);

    if (create_cases[_i].errors == NULL) {
        ck_assert_msg(pi != NULL, "unexpected errors: %s", msg);
    } else {
        ck_assert_ptr_null(pi);
        ck_assert_str_eq(msg, create_cases[_i].errors);
    }
    xb_policy_destroy(pi);
    free(msg);
}
END_TEST

/* Errors already in the list belong to the caller and do not fail us. */
START_TEST(test_create_keeps_prior_errors)
{
    struct xb_errlist el;
    struct xb_policy_inst *pi;

    xb_errlist_init(&el);
    xb_errlist_add(&el, "config.reserve: something else");
    pi = xb_policy_create("proportional", NULL, "policy.params", &el);
    ck_assert_ptr_nonnull(pi);
    ck_assert_uint_eq(el.n, 1);
    xb_policy_destroy(pi);
    xb_errlist_dispose(&el);
}
END_TEST

START_TEST(test_defaults_and_describe)
{
    for (size_t i = 0; xb_policies[i] != NULL; i++) {
        const struct xb_policy *pol = xb_policies[i];
        struct xb_policy_inst *pi;
        char *msg = try_create(pol->name, NULL, "policy.params", &pi);
        json_t *d, *params;
        size_t n = 0;

        ck_assert_msg(pi != NULL, "%s: %s", pol->name, msg);
        free(msg);
        d = xb_policy_describe(pi);
        ck_assert_str_eq(json_string_value(json_object_get(d, "name")),
                         pol->name);
        ck_assert_str_eq(json_string_value(json_object_get(d, "summary")),
                         pol->summary);
        params = json_object_get(d, "params");
        ck_assert(json_is_object(params));
        for (const struct xb_pol_param *p = pol->params; p->name; p++, n++) {
            json_t *v = json_object_get(params, p->name);

            ck_assert_msg(v != NULL, "%s.%s missing", pol->name, p->name);
            ck_assert_msg(json_number_value(v) == p->def,
                          "%s.%s = %g, default %g", pol->name, p->name,
                          json_number_value(v), p->def);
            ck_assert(p->type == XB_PP_DOUBLE ? json_is_real(v)
                                              : json_is_integer(v));
        }
        ck_assert_uint_eq(json_object_size(params), n);
        ck_assert_uint_eq(json_object_size(d), 3);
        json_decref(d);
        xb_policy_destroy(pi);
    }
}
END_TEST

/* Unit strings become KiB / ms; explicit values override defaults. */
START_TEST(test_units)
{
    struct xb_policy_inst *pi;
    char *msg = try_create("pressure",
                           "{\"floor\": \"1.5G\", \"window\": \"2min\", "
                           "\"tax\": 0.5, \"probe\": 0}",
                           "policy.params", &pi);
    json_t *d, *p;

    ck_assert_msg(pi != NULL, "%s", msg);
    free(msg);
    d = xb_policy_describe(pi);
    p = json_object_get(d, "params");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "floor")), 1572864);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "window")), 120000);
    ck_assert(json_real_value(json_object_get(p, "tax")) == 0.5);
    ck_assert(json_real_value(json_object_get(p, "probe")) == 0.0);
    ck_assert(json_real_value(json_object_get(p, "headroom")) == 0.2);
    json_decref(d);
    xb_policy_destroy(pi);
}
END_TEST

START_TEST(test_catalogue)
{
    json_t *cat = xb_policy_catalogue(), *pol;
    size_t i;

    ck_assert(json_is_array(cat));
    ck_assert_uint_eq(json_array_size(cat), 5);
    json_array_foreach(cat, i, pol) {
        json_t *params = json_object_get(pol, "params"), *p;
        size_t j;

        ck_assert_str_eq(json_string_value(json_object_get(pol, "name")),
                         xb_policies[i]->name);
        ck_assert(json_is_string(json_object_get(pol, "summary")));
        ck_assert(json_is_integer(json_object_get(pol, "history")));
        ck_assert(json_is_array(params));
        json_array_foreach(params, j, p) {
            const char *type = json_string_value(json_object_get(p, "type"));
            double def = json_number_value(json_object_get(p, "default"));

            ck_assert(json_is_string(json_object_get(p, "name")));
            ck_assert(json_is_string(json_object_get(p, "help")));
            ck_assert(strcmp(type, "double") == 0 ||
                      strcmp(type, "uint") == 0 || strcmp(type, "kib") == 0 ||
                      strcmp(type, "ms") == 0);
            /* Every table's default lies inside its own range. */
            ck_assert(def >= json_number_value(json_object_get(p, "min")));
            ck_assert(def <= json_number_value(json_object_get(p, "max")));
        }
    }
    /* One known row, exactly. */
    pol = json_array_get(cat, 2);
    ck_assert_str_eq(json_string_value(json_object_get(pol, "name")),
                     "proportional");
    {
        json_t *m = json_array_get(json_object_get(pol, "params"), 0);
        json_t *want = json_pack(
            "{s:s, s:s, s:f, s:f, s:f, s:s}", "name", "margin", "type",
            "double", "default", 1.3, "min", 1.0, "max", 4.0, "help",
            "preferred size as a multiple of used memory (qmemman: 1.3)");

        ck_assert(json_equal(m, want));
        json_decref(want);
    }
    json_decref(cat);
}
END_TEST

/* xb_policy_plan clamps into [min, max] and zeroes unused bytes. */
START_TEST(test_plan_clamps)
{
    static const struct tp_case c = { "clamp",
                                      NULL,
                                      0,
                                      0,
                                      2,
                                      { { 0,
                                          MiB(100),
                                          MiB(100),
                                          MiB(256),
                                          MiB(1024),
                                          0,
                                          0,
                                          0,
                                          { { 0 } },
                                          MiB(256) },
                                        { 0,
                                          MiB(2000),
                                          MiB(2000),
                                          MiB(256),
                                          MiB(1024),
                                          0,
                                          0,
                                          0,
                                          { { 0 } },
                                          MiB(1024) } } };
    struct xb_policy_inst *pi = tp_create("static", NULL);
    struct xb_pol_want out[2];
    struct tp_snap ts;

    tp_build(&c, &ts);
    memset(out, 0xa5, sizeof(out));
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_uint_eq(out[0].target_kb, MiB(256));
    ck_assert_uint_eq(out[1].target_kb, MiB(1024));
    ck_assert_uint_eq(out[0].reason[XB_POL_REASON_MAX - 1], 0);
    xb_policy_destroy(pi);
}
END_TEST

/*
 * A lying record (every figure at its parser's bound) under every policy:
 * the target stays in [min, max], the need within 16 TiB.
 */
START_TEST(test_plan_bounds_lying_record)
{
    const struct xb_policy *pol = xb_policies[_i];
    struct xb_policy_inst *pi;
    struct xb_errlist el;
    struct xb_pol_sample h[2];
    struct xb_pol_dom dom;
    struct xb_pol_snapshot snap;
    struct xb_pol_want out;
    uint64_t kmax = UINT64_C(1) << 34, cmax = UINT64_C(1) << 62;

    memset(h, 0, sizeof(h));
    for (int k = 0; k < 2; k++) {
        struct xb_record *r = &h[k].rec;

        h[k].t_ms = 1000 * (uint64_t)(k + 1);
        xb_record_set(r, XB_F_SEQ, (uint64_t)k + 1);
        xb_record_set(r, XB_F_TOTAL, kmax);
        xb_record_set(r, XB_F_FREE, 0);
        xb_record_set(r, XB_F_AVAIL, 0);
        xb_record_set(r, XB_F_COMMITTED, kmax);
        xb_record_set(r, XB_F_SWAPTOTAL, kmax);
        xb_record_set(r, XB_F_SWAPFREE, 0);
        xb_record_set(r, XB_F_BALLOON, kmax);
        xb_record_set(r, XB_F_PSWPIN, k ? cmax : 0);
        xb_record_set(r, XB_F_REFAULT, k ? cmax : 0);
        xb_record_set(r, XB_F_PSI_SOME, k ? cmax : 0);
        xb_record_set(r, XB_F_PSI_FULL, k ? cmax : 0);
    }
    memset(&dom, 0, sizeof(dom));
    dom.domid = 1;
    dom.name = "liar";
    dom.actual_kb = dom.target_kb = 1048576;
    dom.min_kb = 262144;
    dom.max_kb = 2097152;
    dom.weight = 100;
    dom.hist = h;
    dom.nhist = 2;
    memset(&snap, 0, sizeof(snap));
    snap.now_ms = 2000;
    snap.host_total_kb = 8388608;
    snap.host_free_kb = 4194304;
    snap.reserve_kb = 131072;
    snap.doms = &dom;
    snap.ndoms = 1;
    xb_errlist_init(&el);
    pi = xb_policy_create(pol->name, NULL, "policy.params", &el);
    ck_assert_ptr_nonnull(pi);
    xb_policy_plan(pi, &snap, &out);
    ck_assert_uint_ge(out.target_kb, dom.min_kb);
    ck_assert_uint_le(out.target_kb, dom.max_kb);
    ck_assert_msg(out.need_kb <= kmax, "%s: need %llu", pol->name,
                  (unsigned long long)out.need_kb);
    xb_policy_destroy(pi);
    xb_errlist_dispose(&el);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy registry");
    TCase *tc = tcase_create("registry");

    tcase_add_test(tc, test_find_and_names);
    tcase_add_loop_test(tc, test_create_table, 0,
                        (int)(sizeof(create_cases) / sizeof(create_cases[0])));
    tcase_add_test(tc, test_create_keeps_prior_errors);
    tcase_add_test(tc, test_defaults_and_describe);
    tcase_add_test(tc, test_units);
    tcase_add_test(tc, test_catalogue);
    tcase_add_test(tc, test_plan_clamps);
    tcase_add_loop_test(tc, test_plan_bounds_lying_record, 0, 5);
    suite_add_tcase(s, tc);
    return tp_main(s);
}
