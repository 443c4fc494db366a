/* synack CLI — events as JSON lines. Keys come in a fixed order so that simple tools (grep, a
 * bash checker) can read them as well as a JSON parser can. */
#include "events_json.h"

#include "json.h"
#include "names.h"

static void endpoint(struct json_obj *o, const char *key, const struct synack_endpoint *ep)
{
    char addr[48], buf[64];
    snprintf(buf, sizeof(buf), "%s:%u", synack_addr_format(&ep->addr, addr, sizeof(addr)),
             ep->port);
    json_str(o, key, buf);
}

static void segment(struct json_obj *o, const struct trace_entry *e)
{
    const struct synack_segment_info *s = &e->ev.seg;
    char flags[32];
    json_str(o, "flags", synack_flags_format(s->flags, flags, sizeof(flags)));
    json_int(o, "seq", e->has_rel ? e->rel_seq : s->seq);
    if (s->flags & SYNACK_TH_ACK) /* without ACK the field means nothing (RFC 9293 §3.1) */
        json_int(o, "ack", e->has_rel ? e->rel_ack : s->ack);
    else
        json_null(o, "ack");
    json_int(o, "len", s->len);
    json_int(o, "win", s->wnd);
    json_int(o, "seq_raw", s->seq);
    json_int(o, "ack_raw", s->ack);
    endpoint(o, "src", &s->src);
    endpoint(o, "dst", &s->dst);
    if (s->mss) json_int(o, "mss", s->mss);
    if (s->wscale >= 0) json_int(o, "wscale", s->wscale);
    if (s->sack_ok) json_bool(o, "sack_ok", true);
    if (s->has_ts) {
        json_int(o, "ts_val", s->ts_val);
        json_int(o, "ts_ecr", s->ts_ecr);
    }
}

static void error_fields(struct json_obj *o, int err)
{
    const char *name = errno_name(err);
    json_int(o, "error", err);
    if (name)
        json_str(o, "errno", name);
    else
        json_null(o, "errno");
    json_str(o, "message", synack_strerror(err));
}

static void event_fields(struct json_obj *o, const struct trace_entry *e)
{
    const struct synack_event *ev = &e->ev;
    switch (ev->type) {
    case SYNACK_EV_STATE:
        json_str(o, "old", synack_state_name(ev->old_state));
        json_str(o, "new", synack_state_name(ev->new_state));
        json_str(o, "cause", synack_cause_name(ev->cause));
        break;
    case SYNACK_EV_SEGMENT_OUT:
        segment(o, e);
        json_bool(o, "retransmission", e->retransmission);
        json_bool(o, "lost", e->lost);
        if (e->has_rst_reason) json_str(o, "rst_reason", synack_rst_reason_name(e->rst_reason));
        break;
    case SYNACK_EV_SEGMENT_IN: segment(o, e); break;
    case SYNACK_EV_RST_SENT:
        json_str(o, "reason", synack_rst_reason_name(ev->rst));
        segment(o, e);
        break;
    case SYNACK_EV_RETRANSMIT:
        json_int(o, "seq", e->has_rel ? e->rel_seq : ev->seg.seq);
        json_int(o, "seq_raw", ev->seg.seq);
        break;
    case SYNACK_EV_ERROR: error_fields(o, ev->error); break;
    case SYNACK_EV_DELIVERY_PROBLEM:
        json_int(o, "seq", e->has_rel ? e->rel_seq : ev->seg.seq);
        json_int(o, "seq_raw", ev->seg.seq);
        if (ev->error) error_fields(o, ev->error);
        break;
    case SYNACK_EV_ICMP:
        error_fields(o, ev->error);
        if (ev->seg.mss) json_int(o, "mss", ev->seg.mss);
        break;
    case SYNACK_EV_DROP: json_str(o, "reason", synack_drop_reason_name(ev->drop)); break;
    case SYNACK_EV_URGENT:
    case SYNACK_EV_READABLE:
    case SYNACK_EV_WRITABLE:
    case SYNACK_EV_ACCEPTABLE:
    case SYNACK_EV_TYPE_COUNT: break;
    }
}

static void call_fields(struct json_obj *o, const struct trace_entry *e)
{
    json_str(o, "call", call_name(e->call));
    json_int(o, "result", e->result);
    if (e->result < 0) {
        const char *name = errno_name((int)e->result);
        json_str(o, "errno", name ? name : "?");
        json_str(o, "message", synack_strerror((int)e->result));
    }
    if (e->data_len) json_strn(o, "data", e->data, e->data_len);
}

static void entry(FILE *f, const struct trace_entry *e)
{
    struct json_obj o;
    json_begin(&o, f);
    json_int(&o, "time_us", (long long)e->now);
    json_str(&o, "side", side_name(e->side));
    if (e->kind == TRACE_NOTE) {
        json_str(&o, "type", "note");
        json_str(&o, "text", e->text);
    } else if (e->kind == TRACE_CALL) {
        json_str(&o, "type", "call");
        call_fields(&o, e);
    } else {
        json_str(&o, "type", synack_event_type_name(e->ev.type));
        event_fields(&o, e);
    }
    json_end(&o);
}

static void header(FILE *f, const struct scenario *sc, const struct demo_setup *setup)
{
    char a[48], b[48];
    struct json_obj o;
    json_begin(&o, f);
    json_int(&o, "time_us", 0);
    json_str(&o, "type", "scenario");
    json_str(&o, "name", sc->name);
    json_str(&o, "about", sc->summary);
    json_str(&o, "client", synack_addr_format(&setup->addr[SIDE_CLIENT], a, sizeof(a)));
    json_str(&o, "server", synack_addr_format(&setup->addr[SIDE_SERVER], b, sizeof(b)));
    json_int(&o, "delay_us", (long long)setup->delay);
    json_int(&o, "msl_us", (long long)setup->cfg.msl);
    json_int(&o, "rto_initial_us", (long long)setup->cfg.rto_initial);
    json_int(&o, "seed", (long long)setup->cfg.seed);
    json_end(&o);
}

void events_json_print(FILE *f, const struct scenario *sc, const struct demo_setup *setup,
                       const struct trace *t)
{
    header(f, sc, setup);
    for (size_t i = 0; i < t->len; i++)
        entry(f, &t->e[i]);
}
