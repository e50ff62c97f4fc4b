/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `xen` backend's state, shared between the backend (hv_xen.c) and its
 * connection to the toolstack (xen_conn.c: libxenctrl, libxl, xenstore
 * and the watches).  Only those two files include this header; it needs
 * GNU C11 (Xen's public headers use anonymous unions).
 */
#ifndef XB_HV_XEN_PRIV_H
#define XB_HV_XEN_PRIV_H

#define LIBXL_API_VERSION 0x041300

#include <stdint.h>

#include <libxl.h>
#include <xenctrl.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "hv.h"

/* The agent's record, relative to the domain's home path. */
#define AGENT_DIR "data/xenballoon"
#define AGENT_RECORD AGENT_DIR "/stats"
/* Domains per xc_domain_getinfolist() call. */
#define LIST_BATCH 256

struct hv_xen {
    struct event_base *base;
    struct hv_hooks hooks;
    struct xs_handle *xsh;
    xc_interface *xch;
    libxl_ctx *ctx;
    xentoollog_logger_stdiostream *xtl;
    struct event *xs_ev;
    int lost;
    uint32_t *watched; /* domids with a record watch */
    unsigned nwatched;
    uint32_t *asked; /* domids asked to suspend, as the last full list saw */
    unsigned nasked;
};

/*
 * The connection (xen_conn.c): a value (malloc'd, its length in *len when
 * len is not NULL; NULL with errno set when absent or unreadable) and a
 * number read from the domain's xenstore home; a domain's watches (its
 * record, and control/shutdown, which asks for a full rescan); all
 * handles opened (xenstore with its watch fd in the loop, libxenctrl,
 * libxl) and the watches set again, or -1 with *cause; all closed; the
 * connection noted lost.
 */
char *xen_read_str(struct hv_xen *x, uint32_t domid, const char *key,
                   unsigned *len);
int xen_read_u64(struct hv_xen *x, uint32_t domid, const char *key,
                 uint64_t *out);
int xen_watch_path(struct hv_xen *x, uint32_t domid);
void xen_unwatch_path(struct hv_xen *x, uint32_t domid);
int xen_connect(struct hv_xen *x, char **cause);
void xen_disconnect(struct hv_xen *x);
void xen_mark_lost(struct hv_xen *x);

#endif
