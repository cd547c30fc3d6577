/* Link check of the no_std build (C firmware): a bare-metal C99 program
 * that uses only the calls the no_std library has, with every handle in
 * static memory (the *_init functions) and no heap. Built by
 * scripts/test-ffi.sh with arm-none-eabi-gcc for thumbv7m (Cortex-M3); it
 * must link, and `arm-none-eabi-size` reports its flash and RAM. */
#include <stdint.h>
#include <string.h>

#include "prana_webhook.h"

static uint64_t base_mem[(PRANA_BASE_URL_SIZE + 7) / 8];
static uint64_t gen_mem[(PRANA_ID_GENERATOR_SIZE + 7) / 8];
static uint64_t keys_mem[(PRANA_KEY_SET_SIZE + 7) / 8];
static uint64_t reg_mem[(PRANA_REGISTRATION_SIZE + 7) / 8];

/* Returns 0 when the whole approval round trip checks out. */
int approval_round_trip(const uint8_t seed[PRANA_ID_SEED_LEN]);

int approval_round_trip(const uint8_t seed[PRANA_ID_SEED_LEN]) {
    static const uint8_t secret[] = "firmware-resume-key-0123456789ab";
    prana_base_url *base;
    prana_id_generator *gen;
    prana_key_set *keys;
    prana_registration *reg;
    prana_error err;
    char id[PRANA_RESUME_ID_BUF_SIZE], url[PRANA_URL_BUF_SIZE];
    size_t id_len, url_len;
    struct prana_route route;
    struct prana_signature_check sig;
    struct prana_transition t;
    struct prana_resume_decision d;
    const uint64_t now = 1700000000000u;

    if (prana_base_url_init(base_mem, sizeof base_mem, "http://device.local", PRANA_NUL_TERMINATED,
                            &base, &err) != PRANA_STATUS_OK ||
        prana_id_generator_init(gen_mem, sizeof gen_mem, seed, PRANA_ID_SEED_LEN, &gen, &err) !=
            PRANA_STATUS_OK ||
        prana_key_set_init(keys_mem, sizeof keys_mem, &keys, &err) != PRANA_STATUS_OK ||
        prana_key_set_add(keys, "fw1", PRANA_NUL_TERMINATED, secret, sizeof secret - 1, &err) !=
            PRANA_STATUS_OK) {
        return 1;
    }
    /* A signed resume URL and its registration. */
    if (prana_resume_url_create(gen, base, keys, "run-1", PRANA_NUL_TERMINATED, "approve",
                                PRANA_NUL_TERMINATED, id, sizeof id, &id_len, url, sizeof url,
                                &url_len, &err) != PRANA_STATUS_OK ||
        prana_registration_init(reg_mem, sizeof reg_mem, NULL, id, id_len, "run-1",
                                PRANA_NUL_TERMINATED, "approve", PRANA_NUL_TERMINATED, now, &reg,
                                &err) != PRANA_STATUS_OK ||
        prana_registration_activate(reg, now, 3600000u, NULL, 0, &t, &err) != PRANA_STATUS_OK) {
        return 2;
    }
    /* The request comes back: route, signature, decision, consume. */
    if (prana_route_parse(base, url, url_len, &route, &err) != PRANA_STATUS_OK ||
        route.kind != PRANA_ROUTE_RESUME || !route.has_query ||
        prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED, url + route.id.offset,
                               route.id.len, url + route.query.offset, route.query.len, &sig,
                               &err) != PRANA_STATUS_OK ||
        !sig.accepted ||
        prana_resume_decide(id, id_len, reg, now + 1000u, &d, &err) != PRANA_STATUS_OK ||
        !d.resume || prana_registration_consume(reg, now + 1000u, &t, &err) != PRANA_STATUS_OK) {
        return 3;
    }
    /* A replay is refused. */
    if (prana_resume_decide(id, id_len, reg, now + 2000u, &d, &err) != PRANA_STATUS_OK || d.resume ||
        d.answer.http_status != 409) {
        return 4;
    }
    return strcmp(prana_status_code(PRANA_STATUS_OK), "ok") == 0 ? 0 : 5;
}

int main(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    memset(seed, 7, sizeof seed); /* firmware: read a hardware RNG */
    return approval_round_trip(seed);
}
