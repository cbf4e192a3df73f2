/*
 * Shim over libosip2 (Debian libosip2-dev) for the opt-in parser
 * comparison (`cargo run -p benches --features compare --bin
 * compare_parsers`). shim_parse does what the Rust side measures for every
 * parser: a full osip_message_parse, then reading the transaction-key
 * headers (top Via branch, CSeq number and method, Call-ID, From tag, To
 * tag) through osip's accessors, then freeing the message.
 */
#include <stdlib.h>
#include <stddef.h>
#include <osipparser2/osip_parser.h>

/* Keeps the reads from being optimised away. */
static volatile size_t shim_sink;

int shim_init(void)
{
    return parser_init();
}

static size_t len_or_zero(const char *s)
{
    size_t n = 0;
    if (s == NULL)
        return 0;
    while (s[n] != '\0')
        n++;
    return n;
}

int shim_parse(const char *buf, size_t len)
{
    osip_message_t *sip = NULL;
    osip_via_t *via = NULL;
    osip_generic_param_t *param = NULL;
    osip_cseq_t *cseq;
    osip_call_id_t *call_id;
    osip_from_t *from;
    osip_to_t *to;
    size_t acc = 0;
    int rc = -1;

    if (osip_message_init(&sip) != 0)
        return -1;
    if (osip_message_parse(sip, buf, len) != 0)
        goto out;

    /* top Via branch */
    if (osip_message_get_via(sip, 0, &via) < 0 || via == NULL)
        goto out;
    param = NULL;
    if (osip_via_param_get_byname(via, "branch", &param) == 0 && param != NULL)
        acc += len_or_zero(param->gvalue);

    /* CSeq number and method */
    cseq = osip_message_get_cseq(sip);
    if (cseq == NULL)
        goto out;
    acc += strtoul(osip_cseq_get_number(cseq) ? osip_cseq_get_number(cseq) : "0", NULL, 10);
    acc += len_or_zero(osip_cseq_get_method(cseq));

    /* Call-ID */
    call_id = osip_message_get_call_id(sip);
    if (call_id == NULL)
        goto out;
    acc += len_or_zero(osip_call_id_get_number(call_id));

    /* From tag, To tag */
    from = osip_message_get_from(sip);
    to = osip_message_get_to(sip);
    if (from == NULL || to == NULL)
        goto out;
    param = NULL;
    if (osip_from_get_tag(from, &param) == 0 && param != NULL)
        acc += len_or_zero(param->gvalue);
    param = NULL;
    if (osip_to_get_tag(to, &param) == 0 && param != NULL)
        acc += len_or_zero(param->gvalue);

    shim_sink = acc;
    rc = 0;
out:
    osip_message_free(sip);
    return rc;
}
