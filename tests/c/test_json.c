/* The JSON helpers for node handlers: validate, find a member (a span of
 * the caller's text), decode a string, compare two values. */
#include <stdbool.h>
#include <stdlib.h>

#include "test_util.h"

/* Whether obj + [off, off + len) is the C string want. */
static int slice_eq(const char *obj, size_t off, size_t len, const char *want) {
    return len == strlen(want) && memcmp(obj + off, want, len) == 0;
}

static void test_validate(void) {
    size_t i;
    static const char *ok[] = {
        "{}", "[]", "0", "-1.5e+3", "true", "false", "null", "\"\"",
        " {\"a\": [1, \"x\\u00e9\\n\", {\"b\": null}]} \n",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"", /* valid JSON; only decoding it fails */
    };
    static const char *bad[] = {
        "{", "[1,]", "{\"a\"}", "{a:1}", "01", "1.", "tru", "\"\\x\"", "\"abc",
        "{\"a\":1}x", "[1 2]", "\"a\tb\"", "nul", "+1", "'a'",
    };
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        prana_status st = prana_json_validate(ok[i], strlen(ok[i]), NULL);
        if (st != PRANA_STATUS_OK) fprintf(stderr, "valid %s: %s\n", ok[i], last_error());
        CHECK(st == PRANA_STATUS_OK);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        prana_status st = prana_json_validate(bad[i], strlen(bad[i]), NULL);
        if (st != PRANA_STATUS_INVALID_JSON) fprintf(stderr, "invalid %s: %u\n", bad[i], (unsigned)st);
        CHECK(st == PRANA_STATUS_INVALID_JSON);
        CHECK(strncmp(last_error(), "json: invalid JSON", 18) == 0);
    }
    CHECK_STATUS(prana_json_validate(NULL, 0, NULL), PRANA_STATUS_INVALID_JSON);
    {
        /* Nesting: 32 levels are fine, 33 are not. */
        char deep[80];
        memset(deep, '[', 32);
        memset(deep + 32, ']', 32);
        CHECK_STATUS(prana_json_validate(deep, 64, NULL), PRANA_STATUS_OK);
        memset(deep, '[', 33);
        memset(deep + 33, ']', 33);
        CHECK_STATUS(prana_json_validate(deep, 66, NULL), PRANA_STATUS_INVALID_JSON);
    }
}

static void test_find_member(void) {
    const char *obj = " {\"message\": \"hi \\\"there\\\"\", \"n\" : 42 ,"
                      " \"o\": {\"message\": 1}, \"k\\u00e9y\": [1, 2], \"n\": 7} ";
    bool found = false;
    size_t off = 99, len = 99;

    CHECK_STATUS(prana_json_find_member(obj, strlen(obj), S("message"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found);
    CHECK(slice_eq(obj, off, len, "\"hi \\\"there\\\"\""));

    /* The first occurrence of a repeated key; whitespace around is not part of the value. */
    CHECK_STATUS(prana_json_find_member(obj, strlen(obj), S("n"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found && slice_eq(obj, off, len, "42"));

    /* Keys are compared decoded: "k\u00e9y" is "k\xc3\xa9y". */
    CHECK_STATUS(prana_json_find_member(obj, strlen(obj), S("k\xc3\xa9y"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found && slice_eq(obj, off, len, "[1, 2]"));

    CHECK_STATUS(prana_json_find_member(obj, strlen(obj), S("o"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found && slice_eq(obj, off, len, "{\"message\": 1}"));

    /* Absent (top level only): found false, span zero. */
    off = len = 99;
    CHECK_STATUS(prana_json_find_member(S("{\"o\": {\"x\": 1}}"), S("x"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(!found && off == 0 && len == 0);
    CHECK_STATUS(prana_json_find_member(S("{}"), S("x"), &found, &off, &len, NULL), PRANA_STATUS_OK);
    CHECK(!found);

    /* The empty key is a key like any other. */
    CHECK_STATUS(prana_json_find_member(S("{\"\": true}"), NULL, 0, &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found && len == 4);

    /* Not an object, not JSON: outputs untouched. */
    found = true;
    off = len = 99;
    CHECK_STATUS(prana_json_find_member(S("[1]"), S("x"), &found, &off, &len, NULL),
                 PRANA_STATUS_NOT_AN_OBJECT);
    CHECK_STR(last_error(), "obj must be a JSON object");
    CHECK_STATUS(prana_json_find_member(S("\"s\""), S("x"), &found, &off, &len, NULL),
                 PRANA_STATUS_NOT_AN_OBJECT);
    /* The whole object is checked, also after the member. */
    CHECK_STATUS(prana_json_find_member(S("{\"x\": 1, \"y\": }"), S("x"), &found, &off, &len, NULL),
                 PRANA_STATUS_INVALID_JSON);
    CHECK(found && off == 99 && len == 99);
}

/* prana_json_decode_string of a C string into out (cap bytes). */
static prana_status decode(const char *raw, char *out, size_t cap, size_t *n) {
    return prana_json_decode_string(raw, strlen(raw), out, cap, n, NULL);
}

static void test_decode_string(void) {
    char buf[64];
    size_t n = 0, need = 0;

    CHECK_STATUS(decode("\"plain\"", buf, sizeof buf, &n), PRANA_STATUS_OK);
    CHECK_STR(buf, "plain");
    CHECK(n == 5);

    CHECK_STATUS(decode("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", buf, sizeof buf, &n), PRANA_STATUS_OK);
    CHECK_STR(buf, "\"\\/\b\f\n\r\t");

    /* \u escapes, upper and lower case hex, BMP and a surrogate pair. */
    CHECK_STATUS(decode("\"\\u0041\\u00e9\\u20AC \\ud83d\\ude00\"", buf, sizeof buf, &n),
                 PRANA_STATUS_OK);
    CHECK_STR(buf, "A\xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK(n == 1 + 2 + 3 + 1 + 4);

    /* Raw UTF-8 passes through; surrounding whitespace is allowed. */
    CHECK_STATUS(decode(" \"caf\xc3\xa9\" \n", buf, sizeof buf, &n), PRANA_STATUS_OK);
    CHECK_STR(buf, "caf\xc3\xa9");

    /* \u0000 is a NUL inside the text: *out_len counts past it. */
    CHECK_STATUS(decode("\"a\\u0000b\"", buf, sizeof buf, &n), PRANA_STATUS_OK);
    CHECK(n == 3 && buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b' && buf[3] == '\0');

    /* The empty string needs one byte (the NUL). */
    CHECK_STATUS(decode("\"\"", buf, 1, &n), PRANA_STATUS_OK);
    CHECK(n == 0 && buf[0] == '\0');

    /* Size query, too small by one (untouched), exact size. */
    CHECK_STATUS(decode("\"x\\u00e9y\"", NULL, 0, &need), PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK(need == 5);
    memset(buf, '#', sizeof buf);
    n = 0;
    CHECK_STATUS(decode("\"x\\u00e9y\"", buf, need - 1, &n), PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == need && buf[0] == '#');
    CHECK_STATUS(decode("\"x\\u00e9y\"", buf, need, &n), PRANA_STATUS_OK);
    CHECK(n == 4 && strcmp(buf, "x\xc3\xa9y") == 0);

    /* Not a string. */
    CHECK_STATUS(decode("42", buf, sizeof buf, &n), PRANA_STATUS_NOT_A_STRING);
    CHECK_STR(last_error(), "raw must be a JSON string");
    CHECK_STATUS(decode("{\"a\": \"b\"}", buf, sizeof buf, &n), PRANA_STATUS_NOT_A_STRING);
    CHECK_STATUS(decode("null", buf, sizeof buf, &n), PRANA_STATUS_NOT_A_STRING);

    /* Not JSON. */
    CHECK_STATUS(decode("\"\\x\"", buf, sizeof buf, &n), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(decode("\"\\u12\"", buf, sizeof buf, &n), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(decode("\"abc", buf, sizeof buf, &n), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(decode("\"a\" \"b\"", buf, sizeof buf, &n), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(decode("\"tab\there\"", buf, sizeof buf, &n), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_json_decode_string(NULL, 0, buf, sizeof buf, &n, NULL),
                 PRANA_STATUS_INVALID_JSON);

    /* Lone surrogates: high without low, low alone, reversed pair. */
    CHECK_STATUS(decode("\"\\ud800\"", buf, sizeof buf, &n), PRANA_STATUS_JSON_LONE_SURROGATE);
    CHECK(strstr(last_error(), "at byte 1") != NULL);
    CHECK_STATUS(decode("\"ab\\udc00\"", buf, sizeof buf, &n), PRANA_STATUS_JSON_LONE_SURROGATE);
    CHECK(strstr(last_error(), "at byte 3") != NULL);
    CHECK_STATUS(decode("\"\\ude00\\ud83d\"", buf, sizeof buf, &n),
                 PRANA_STATUS_JSON_LONE_SURROGATE);
    CHECK_STATUS(decode("\"\\ud83dx\"", buf, sizeof buf, &n), PRANA_STATUS_JSON_LONE_SURROGATE);
    /* An error wins over a size query. */
    CHECK_STATUS(decode("\"\\ud800\"", NULL, 0, &n), PRANA_STATUS_JSON_LONE_SURROGATE);
}

static void test_decode_found_member(void) {
    /* The handler's pattern: find a member, decode it in place. */
    const char *params = "{\"message\": \"Approved by \\u00c5sa\", \"n\": 1}";
    bool found = false;
    size_t off = 0, len = 0, n = 0;
    char *msg;
    CHECK_STATUS(prana_json_find_member(params, strlen(params), S("message"), &found, &off, &len, NULL),
                 PRANA_STATUS_OK);
    CHECK(found);
    msg = malloc(len); /* len bytes always hold the text and its NUL */
    CHECK(msg != NULL);
    if (msg != NULL) {
        CHECK_STATUS(prana_json_decode_string(params + off, len, msg, len, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(msg, "Approved by \xc3\x85sa");
        free(msg);
    }
}

static int eq(const char *a, const char *b) {
    bool e1 = false, e2 = false;
    prana_status s1 = prana_json_equal(a, strlen(a), b, strlen(b), &e1, NULL);
    prana_status s2 = prana_json_equal(b, strlen(b), a, strlen(a), &e2, NULL);
    if (s1 != PRANA_STATUS_OK || s2 != PRANA_STATUS_OK) {
        fprintf(stderr, "equal(%s, %s): %s\n", a, b, last_error());
        return -1;
    }
    if (e1 != e2) {
        fprintf(stderr, "equal(%s, %s) is not symmetric\n", a, b);
        return -1;
    }
    return e1 ? 1 : 0;
}

static void test_equal(void) {
    bool e = true;
    size_t i;
    static const char *same[][2] = {
        {"true", " true "},
        {"null", "null"},
        {"\"abc\"", "\"\\u0061bc\""},
        {"\"\xf0\x9f\x98\x80\"", "\"\\ud83d\\ude00\""},
        {"\"a/b\"", "\"a\\/b\""},
        {"1", "1.0"},
        {"100", "1e2"},
        {"-0", "0"},
        {"0.5", "5E-1"},
        {"123456789012345678901234567890", "123456789012345678901234567890"},
        {"[]", "[ ]"},
        {"{}", "{ }"},
        {"[1, [2, {\"a\": \"x\"}]]", "[1,[2.0,{\"a\":\"\\u0078\"}]]"},
        {"{\"a\": 1, \"b\": {\"c\": [true, null]}}", "{\"b\":{\"c\":[true,null]},\"\\u0061\":1}"},
        {"{\"a\": 1, \"a\": 2}", "{\"a\": 1}"},
    };
    static const char *differ[][2] = {
        {"true", "false"},
        {"null", "0"},
        {"1", "\"1\""},
        {"\"a\"", "\"ab\""},
        {"1", "2"},
        {"1.5", "1.25"},
        {"9007199254740993", "9007199254740992"},
        {"1e400", "2e400"},
        {"[1, 2]", "[2, 1]"},
        {"[1, 2]", "[1, 2, 3]"},
        {"[]", "{}"},
        {"{\"a\": 1}", "{\"a\": 1, \"b\": 2}"},
        {"{\"a\": 1}", "{\"b\": 1}"},
        {"{\"a\": {\"b\": 1}}", "{\"a\": {\"b\": \"1\"}}"},
    };
    for (i = 0; i < sizeof same / sizeof same[0]; i++) {
        int r = eq(same[i][0], same[i][1]);
        if (r != 1) fprintf(stderr, "want equal: %s %s\n", same[i][0], same[i][1]);
        CHECK(r == 1);
    }
    for (i = 0; i < sizeof differ / sizeof differ[0]; i++) {
        int r = eq(differ[i][0], differ[i][1]);
        if (r != 0) fprintf(stderr, "want different: %s %s\n", differ[i][0], differ[i][1]);
        CHECK(r == 0);
    }

    /* Invalid JSON on either side: the message names the side; out untouched. */
    CHECK_STATUS(prana_json_equal(S("{"), S("{}"), &e, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(strncmp(last_error(), "a: ", 3) == 0);
    CHECK_STATUS(prana_json_equal(S("{}"), S("[1,]"), &e, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(strncmp(last_error(), "b: ", 3) == 0);
    CHECK_STATUS(prana_json_equal(S("{"), S("{"), &e, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_json_equal(NULL, 0, S("1"), &e, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(e == true);
}

static void test_status_codes(void) {
    CHECK_STR(prana_status_code(PRANA_STATUS_NOT_A_STRING), "not_a_string");
    CHECK_STR(prana_status_code(PRANA_STATUS_JSON_LONE_SURROGATE), "json_lone_surrogate");
    CHECK(PRANA_STATUS_NOT_A_STRING == 504 && PRANA_STATUS_JSON_LONE_SURROGATE == 505);
}

int main(void) {
    test_validate();
    test_find_member();
    test_decode_string();
    test_decode_found_member();
    test_equal();
    test_status_codes();
    return test_summary("json");
}
