/**
 * @file test_properties.c
 * @brief Unit tests of util/properties: the Java .properties rules one by
 *        one, the bounds, the map API, and the golden comparison against
 *        java.util.Properties (tests/golden/properties/\*.expected).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/properties.h"

#define ERRSTR_SIZE 512

/* Parses text (length given, so NULs may be embedded) into a fresh map. */
static cd_properties_t *parse_ok(const char *text, size_t len)
{
    char errstr[ERRSTR_SIZE] = "";
    cd_properties_t *props = cd_properties_new();

    assert_non_null(props);
    if (cd_properties_parse(props, text, len, errstr, sizeof(errstr)) != 0)
        fail_msg("unexpected parse error: %s", errstr);
    return props;
}

#define PARSE_OK(literal) parse_ok(literal, sizeof(literal) - 1)

/* Parses text expecting an error; returns the message in errstr. */
static void parse_fails(const char *text, size_t len, char *errstr, size_t errstr_size)
{
    cd_properties_t *props = cd_properties_new();

    assert_non_null(props);
    errstr[0] = '\0';
    assert_int_equal(cd_properties_parse(props, text, len, errstr, errstr_size), -1);
    assert_int_equal(cd_properties_count(props), 0);
    assert_true(strlen(errstr) > 0);
    cd_properties_destroy(props);
}

static void assert_entry(const cd_properties_t *props, const char *key, const char *value)
{
    const char *actual = cd_properties_get(props, key);

    if (!actual)
        fail_msg("key \"%s\" is missing", key);
    assert_string_equal(actual, value);
}

static void test_separator_forms(void **state)
{
    cd_properties_t *props = PARSE_OK("eq=1\n"
                                      "colon:2\n"
                                      "space 3\n"
                                      "tab\t4\n"
                                      "ff\f5\n"
                                      "sp_eq = 6\n"
                                      "sp_colon : 7\n"
                                      "eq_colon=:8\n"
                                      "sp_eq_eq = = 9\n"
                                      "sp_colon_colon :: 10\n"
                                      "bare\n"
                                      "ws_only   \t\n");

    assert_entry(props, "eq", "1");
    assert_entry(props, "colon", "2");
    assert_entry(props, "space", "3");
    assert_entry(props, "tab", "4");
    assert_entry(props, "ff", "5");
    assert_entry(props, "sp_eq", "6");
    assert_entry(props, "sp_colon", "7");
    assert_entry(props, "eq_colon", ":8");
    assert_entry(props, "sp_eq_eq", "= 9");
    assert_entry(props, "sp_colon_colon", ": 10");
    assert_entry(props, "bare", "");
    assert_entry(props, "ws_only", "");
    assert_int_equal(cd_properties_count(props), 12);
    cd_properties_destroy(props);
}

static void test_continuation_backslash_counts(void **state)
{
    cd_properties_t *props = PARSE_OK("one=a\\\n   b\n"                     /* 1: continues */
                                      "two=a\\\\\nthree=x\n"                /* 2: literal \ */
                                      "odd3=a\\\\\\\n  c\n"                 /* 3: \ + continue */
                                      "even4=a\\\\\\\\\nfive=y\n"           /* 4: two literal \ */
                                      "key\\\n   cont=z\n"                  /* continued key */
                                      "sp=keep \\\n\t\f  after\n"           /* ws before \ kept */
                                      "empty_next=v\\\n\nafter_empty=w\n"); /* ends line */

    assert_entry(props, "one", "ab");
    assert_entry(props, "two", "a\\");
    assert_entry(props, "three", "x");
    assert_entry(props, "odd3", "a\\c");
    assert_entry(props, "even4", "a\\\\");
    assert_entry(props, "five", "y");
    assert_entry(props, "keycont", "z");
    assert_entry(props, "sp", "keep after");
    assert_entry(props, "empty_next", "v");
    assert_entry(props, "after_empty", "w");
    cd_properties_destroy(props);
}

static void test_continuation_at_eof(void **state)
{
    cd_properties_t *props = PARSE_OK("a=1\nlast=value\\");

    assert_entry(props, "last", "value");
    cd_properties_destroy(props);

    props = PARSE_OK("last=value\\\n");
    assert_entry(props, "last", "value");
    cd_properties_destroy(props);

    /* A lone backslash is an empty key with an empty value, as in Java. */
    props = PARSE_OK("\\");
    assert_int_equal(cd_properties_count(props), 1);
    assert_entry(props, "", "");
    cd_properties_destroy(props);

    /* ...but followed by a blank line it yields nothing. */
    props = PARSE_OK("\\\n\n");
    assert_int_equal(cd_properties_count(props), 0);
    cd_properties_destroy(props);
}

static void test_comments(void **state)
{
    cd_properties_t *props = PARSE_OK("# comment ending with backslash \\\n"
                                      "next=1\n"
                                      "! bang comment \\\n"
                                      "next2=2\n"
                                      "   \t# indented comment\n"
                                      "#\n!\n"
                                      "value=#not a comment\n"
                                      "\\#escaped=3\n"
                                      "cont=part\\\n"
                                      "#continued, not a comment\n"
                                      "# at eof without newline");

    assert_int_equal(cd_properties_count(props), 5);
    assert_entry(props, "next", "1");
    assert_entry(props, "next2", "2");
    assert_entry(props, "value", "#not a comment");
    assert_entry(props, "#escaped", "3");
    assert_entry(props, "cont", "part#continued, not a comment");
    cd_properties_destroy(props);
}

static void test_unicode_escapes(void **state)
{
    cd_properties_t *props = PARSE_OK("a=\\u0041\\u0062\n"
                                      "latin=\\u00e9\\u00E9\n"
                                      "euro=\\u20AC\n"
                                      "smile=\\uD83D\\uDE00\n"
                                      "clef=\\ud834\\udd1e\n"
                                      "\\u006Bey=escaped key\n"
                                      "sep\\u003D=in key\n"
                                      "literal=\\\\u0041\n");

    assert_entry(props, "a", "Ab");
    assert_entry(props, "latin", "\xC3\xA9\xC3\xA9");
    assert_entry(props, "euro", "\xE2\x82\xAC");
    assert_entry(props, "smile", "\xF0\x9F\x98\x80");
    assert_entry(props, "clef", "\xF0\x9D\x84\x9E");
    assert_entry(props, "key", "escaped key");
    assert_entry(props, "sep=", "in key");
    assert_entry(props, "literal", "\\u0041");
    cd_properties_destroy(props);
}

static void test_lone_surrogates_become_replacement_char(void **state)
{
    cd_properties_t *props = PARSE_OK("high_at_end=x\\uD83D\n"
                                      "high_then_text=\\uD83Dy\n"
                                      "high_high_low=\\uD83D\\uD83D\\uDE00\n"
                                      "low_alone=\\uDE00\n"
                                      "low_then_high=\\uDE00\\uD83D\n");

    assert_entry(props, "high_at_end", "x\xEF\xBF\xBD");
    assert_entry(props, "high_then_text", "\xEF\xBF\xBDy");
    assert_entry(props, "high_high_low", "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    assert_entry(props, "low_alone", "\xEF\xBF\xBD");
    assert_entry(props, "low_then_high", "\xEF\xBF\xBD\xEF\xBF\xBD");
    cd_properties_destroy(props);
}

static void test_malformed_unicode_escapes(void **state)
{
    static const char *const inputs[] = {
        "bad=\\u12\n",   "bad=\\u\n",        "bad=x\\u12G4y\n", "\\uXYZW=1\n",
        "bad=\\u 123\n", "key\\u00=value\n", "bad=\\u-123\n",   "bad=\\u12\\\n",
    };
    char errstr[ERRSTR_SIZE];
    size_t i;

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        parse_fails(inputs[i], strlen(inputs[i]), errstr, sizeof(errstr));
        assert_string_equal(errstr, "line 1: Malformed \\uxxxx encoding.");
    }
}

static void test_error_line_numbers(void **state)
{
    static const char input[] = "a=1\r\n"          /* 1 */
                                "# comment\r"      /* 2 */
                                "b=multi\\\n"      /* 3 */
                                "   line\n"        /* 4 */
                                "\n"               /* 5 */
                                "  bad=\\uZZZZ\n"; /* 6 */
    static const char continued[] = "a=1\n"
                                    "b=x\\\n"    /* 2: logical line starts here */
                                    "  \\u12\n"; /* 3 */
    char errstr[ERRSTR_SIZE];

    parse_fails(input, sizeof(input) - 1, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 6: Malformed \\uxxxx encoding.");
    parse_fails(continued, sizeof(continued) - 1, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 2: Malformed \\uxxxx encoding.");
}

static void test_empty_key(void **state)
{
    cd_properties_t *props = PARSE_OK("=value\n");

    assert_entry(props, "", "value");
    cd_properties_destroy(props);
    props = PARSE_OK("  :colon\n");
    assert_entry(props, "", "colon");
    cd_properties_destroy(props);
}

static void test_escaped_separators_in_key(void **state)
{
    cd_properties_t *props = PARSE_OK("a\\=b=c\n"
                                      "a\\:b:c\n"
                                      "a\\ b c\n"
                                      "tab\\\tkey=3\n"
                                      "a2\\\\=b\n"       /* escaped backslash, then = */
                                      "a3\\\\\\=b=c\n"); /* \\ then \= */

    assert_entry(props, "a=b", "c");
    assert_entry(props, "a:b", "c");
    assert_entry(props, "a b", "c");
    assert_entry(props, "tab\tkey", "3");
    assert_entry(props, "a2\\", "b");
    assert_entry(props, "a3\\=b", "c");
    cd_properties_destroy(props);
}

static void test_value_whitespace(void **state)
{
    cd_properties_t *props = PARSE_OK("a =   \t  value, trailing kept   \n"
                                      "b=\\ \\ escaped leading\n"
                                      "c= = leading eq kept\n"
                                      "d   \t   spaced\n"
                                      "e=\\t\\n\\r\\f|\\a\\b\\z\\\"\n");

    assert_entry(props, "a", "value, trailing kept   ");
    assert_entry(props, "b", "  escaped leading");
    assert_entry(props, "c", "= leading eq kept");
    assert_entry(props, "d", "spaced");
    assert_entry(props, "e", "\t\n\r\f|abz\"");
    cd_properties_destroy(props);
}

static void test_duplicates_last_wins_first_order(void **state)
{
    cd_properties_t *props = PARSE_OK("dup=first\nother=x\ndup=second\n  dup   third\n");

    assert_int_equal(cd_properties_count(props), 2);
    assert_string_equal(cd_properties_key_at(props, 0), "dup");
    assert_string_equal(cd_properties_value_at(props, 0), "third");
    assert_string_equal(cd_properties_key_at(props, 1), "other");
    assert_string_equal(cd_properties_value_at(props, 1), "x");
    cd_properties_destroy(props);
}

static void test_line_terminators(void **state)
{
    cd_properties_t *props = PARSE_OK("a=1\r\nb=2\r\nc=x\\\r\n  y\r\n\r\n"
                                      "d=4\re=5\\\r  6\rf=7\\\r\r\ng=8");

    assert_int_equal(cd_properties_count(props), 7);
    assert_entry(props, "a", "1");
    assert_entry(props, "b", "2");
    assert_entry(props, "c", "xy");
    assert_entry(props, "d", "4");
    assert_entry(props, "e", "56");
    assert_entry(props, "f", "7");
    assert_entry(props, "g", "8");
    cd_properties_destroy(props);
}

static void test_bom_is_part_of_first_key(void **state)
{
    /* Properties.load(InputStream) reads ISO-8859-1: a UTF-8 BOM is three
     * characters of the first key, and a comment after it is no comment. */
    cd_properties_t *props = PARSE_OK("\xEF\xBB\xBFkey=value\n");

    assert_null(cd_properties_get(props, "key"));
    assert_entry(props, "\xC3\xAF\xC2\xBB\xC2\xBFkey", "value");
    cd_properties_destroy(props);

    props = PARSE_OK("\xEF\xBB\xBF# not a comment\n");
    assert_entry(props, "\xC3\xAF\xC2\xBB\xC2\xBF#", "not a comment");
    cd_properties_destroy(props);
}

static void test_high_bytes_are_latin1(void **state)
{
    cd_properties_t *props = PARSE_OK("latin1=caf\xE9\nutf8=caf\xC3\xA9\nhigh=\xFF\x80\n");

    assert_entry(props, "latin1", "caf\xC3\xA9");
    assert_entry(props, "utf8", "caf\xC3\x83\xC2\xA9");
    assert_entry(props, "high", "\xC3\xBF\xC2\x80");
    cd_properties_destroy(props);
}

static void test_embedded_nul(void **state)
{
    static const char in_comment[] = "# a \0 b\nk=v\n!\0\n";
    static const char in_value[] = "k=v\nbad=a\0b\n";
    static const char in_key[] = "k=v\nb\0ad=x\n";
    static const char escaped[] = "k=\\u0000\n";
    cd_properties_t *props = parse_ok(in_comment, sizeof(in_comment) - 1);
    char errstr[ERRSTR_SIZE];

    assert_int_equal(cd_properties_count(props), 1);
    assert_entry(props, "k", "v");
    cd_properties_destroy(props);

    parse_fails(in_value, sizeof(in_value) - 1, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 2: NUL character in value is not supported");
    parse_fails(in_key, sizeof(in_key) - 1, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 2: NUL character in key is not supported");
    parse_fails(escaped, sizeof(escaped) - 1, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 1: NUL character in value is not supported");
}

/* "key=" + n copies of fill, then "\n". */
static char *make_long_line(const char *key, size_t n, char fill, size_t *len_out)
{
    size_t key_len = strlen(key);
    char *text = malloc(key_len + 1 + n + 2);

    assert_non_null(text);
    memcpy(text, key, key_len);
    text[key_len] = '=';
    memset(text + key_len + 1, fill, n);
    text[key_len + 1 + n] = '\n';
    text[key_len + 2 + n] = '\0';
    *len_out = key_len + 2 + n;
    return text;
}

static void test_long_lines_and_bounds(void **state)
{
    char errstr[ERRSTR_SIZE];
    cd_properties_t *props;
    size_t len;
    char *text;

    text = make_long_line("k", CD_PROPERTIES_MAX_VALUE_LEN, 'v', &len);
    props = parse_ok(text, len);
    assert_int_equal(strlen(cd_properties_get(props, "k")), CD_PROPERTIES_MAX_VALUE_LEN);
    cd_properties_destroy(props);
    free(text);

    text = make_long_line("k", CD_PROPERTIES_MAX_VALUE_LEN + 1, 'v', &len);
    parse_fails(text, len, errstr, sizeof(errstr));
    assert_non_null(strstr(errstr, "line 1: value longer than"));
    free(text);

    /* The bound is on the unescaped UTF-8: 0xE9 takes two bytes. */
    text = make_long_line("k", CD_PROPERTIES_MAX_VALUE_LEN / 2 + 1, '\xE9', &len);
    parse_fails(text, len, errstr, sizeof(errstr));
    assert_non_null(strstr(errstr, "value longer than"));
    free(text);

    /* Key bound: a key of MAX_KEY_LEN + 1 'k' followed by "=v". */
    len = CD_PROPERTIES_MAX_KEY_LEN + 1;
    text = malloc(len + 4);
    assert_non_null(text);
    memset(text, 'k', len);
    memcpy(text + len, "=v\n", 4);
    parse_fails(text, len + 3, errstr, sizeof(errstr));
    assert_non_null(strstr(errstr, "line 1: key longer than"));
    text[len - 1] = '=';
    props = parse_ok(text, len + 3);
    assert_int_equal(strlen(cd_properties_key_at(props, 0)), CD_PROPERTIES_MAX_KEY_LEN);
    cd_properties_destroy(props);
    free(text);

    /* Whole input bound, checked before anything is read. */
    text = calloc(1, CD_PROPERTIES_MAX_INPUT_SIZE + 1);
    assert_non_null(text);
    parse_fails(text, CD_PROPERTIES_MAX_INPUT_SIZE + 1, errstr, sizeof(errstr));
    assert_non_null(strstr(errstr, "input too large"));
    free(text);
}

static void test_long_continued_line(void **state)
{
    const size_t chunks = 20000;
    size_t capacity = chunks * 12 + 16;
    char *text = malloc(capacity);
    cd_properties_t *props;
    size_t len = 0;
    size_t i;

    assert_non_null(text);
    len += (size_t)sprintf(text + len, "k=");
    for (i = 0; i < chunks; i++)
        len += (size_t)sprintf(text + len, "ab\\\n\t   ");
    len += (size_t)sprintf(text + len, "end\n");
    props = parse_ok(text, len);
    assert_int_equal(strlen(cd_properties_get(props, "k")), chunks * 2 + 3);
    cd_properties_destroy(props);
    free(text);
}

static void test_too_many_keys(void **state)
{
    size_t n = CD_PROPERTIES_MAX_ENTRIES + 1;
    char *text = malloc(n * 12);
    char errstr[ERRSTR_SIZE];
    cd_properties_t *props;
    size_t len = 0;
    size_t i;

    assert_non_null(text);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "k%zu\n", i);
    parse_fails(text, len, errstr, sizeof(errstr));
    assert_string_equal(errstr, "line 100001: more than 100000 distinct keys");
    /* One key fewer fits. */
    len -= strlen("k100000\n");
    props = parse_ok(text, len);
    assert_int_equal(cd_properties_count(props), CD_PROPERTIES_MAX_ENTRIES);
    assert_entry(props, "k99999", "");
    assert_entry(props, "k0", "");
    cd_properties_destroy(props);
    free(text);
}

static void test_parse_error_leaves_map_unchanged(void **state)
{
    static const char good[] = "a=1\nb=2\n";
    static const char bad[] = "a=changed\nc=3\nd=\\u12\n";
    static const char more[] = "c=3\na=changed\n";
    char errstr[ERRSTR_SIZE];
    cd_properties_t *props = parse_ok(good, sizeof(good) - 1);

    assert_int_equal(cd_properties_parse(props, bad, sizeof(bad) - 1, errstr, sizeof(errstr)), -1);
    assert_string_equal(errstr, "line 3: Malformed \\uxxxx encoding.");
    assert_int_equal(cd_properties_count(props), 2);
    assert_entry(props, "a", "1");
    assert_null(cd_properties_get(props, "c"));

    /* A successful parse merges: existing keys keep their position. */
    assert_int_equal(cd_properties_parse(props, more, sizeof(more) - 1, errstr, sizeof(errstr)), 0);
    assert_int_equal(cd_properties_count(props), 3);
    assert_string_equal(cd_properties_key_at(props, 0), "a");
    assert_string_equal(cd_properties_value_at(props, 0), "changed");
    assert_string_equal(cd_properties_key_at(props, 2), "c");
    cd_properties_destroy(props);
}

static void test_map_api(void **state)
{
    cd_properties_t *props = cd_properties_new();
    char key[32];
    char value[32];
    size_t i;

    assert_non_null(props);
    assert_int_equal(cd_properties_count(props), 0);
    assert_null(cd_properties_get(props, "x"));
    assert_null(cd_properties_key_at(props, 0));
    assert_int_equal(cd_properties_remove(props, "x"), -1);

    assert_int_equal(cd_properties_set(props, "a", "1"), 0);
    assert_int_equal(cd_properties_set(props, "b", "2"), 0);
    assert_int_equal(cd_properties_set(props, "c", "3"), 0);
    assert_int_equal(cd_properties_set(props, "a", "replaced"), 0);
    assert_int_equal(cd_properties_count(props), 3);
    assert_string_equal(cd_properties_key_at(props, 0), "a");
    assert_string_equal(cd_properties_value_at(props, 0), "replaced");

    assert_int_equal(cd_properties_remove(props, "b"), 0);
    assert_int_equal(cd_properties_remove(props, "b"), -1);
    assert_int_equal(cd_properties_count(props), 2);
    assert_string_equal(cd_properties_key_at(props, 1), "c");
    assert_entry(props, "c", "3");
    assert_null(cd_properties_value_at(props, 2));

    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key.%zu", i);
        snprintf(value, sizeof(value), "value.%zu", i);
        assert_int_equal(cd_properties_set(props, key, value), 0);
    }
    for (i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof(key), "key.%zu", i);
        assert_int_equal(cd_properties_remove(props, key), 0);
    }
    assert_int_equal(cd_properties_count(props), 2 + 2500);
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key.%zu", i);
        snprintf(value, sizeof(value), "value.%zu", i);
        if (i % 2)
            assert_entry(props, key, value);
        else
            assert_null(cd_properties_get(props, key));
    }
    assert_string_equal(cd_properties_key_at(props, 2), "key.1");

    assert_int_equal(cd_properties_set(props, NULL, "x"), -1);
    assert_int_equal(cd_properties_set(props, "x", NULL), -1);
    assert_int_equal(cd_properties_set(NULL, "x", "y"), -1);
    assert_int_equal(cd_properties_count(NULL), 0);
    assert_null(cd_properties_get(NULL, "x"));
    cd_properties_destroy(props);
    cd_properties_destroy(NULL);
}

static void test_load_file_errors(void **state)
{
    char errstr[ERRSTR_SIZE];
    char expected[ERRSTR_SIZE];
    char dir_template[] = "/tmp/test_properties.XXXXXX";
    char path[256];
    cd_properties_t *props = cd_properties_new();
    const char *dir;
    int fd;

    assert_non_null(props);
    assert_int_equal(cd_properties_load_file(props, "/nonexistent/dir/worker.properties", errstr,
                                             sizeof(errstr)),
                     -1);
    snprintf(expected, sizeof(expected), "cannot open %s: %s", "/nonexistent/dir/worker.properties",
             strerror(ENOENT));
    assert_string_equal(errstr, expected);

    dir = mkdtemp(dir_template);
    assert_non_null(dir);
    /* A directory opens but cannot be read. */
    assert_int_equal(cd_properties_load_file(props, dir, errstr, sizeof(errstr)), -1);
    snprintf(expected, sizeof(expected), "cannot read %s: %s", dir, strerror(EISDIR));
    assert_string_equal(errstr, expected);

    /* A file one byte over the limit (sparse). */
    snprintf(path, sizeof(path), "%s/big.properties", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)CD_PROPERTIES_MAX_INPUT_SIZE + 1), 0);
    close(fd);
    assert_int_equal(cd_properties_load_file(props, path, errstr, sizeof(errstr)), -1);
    assert_non_null(strstr(errstr, path));
    assert_non_null(strstr(errstr, "file larger than"));
    unlink(path);

    /* A parse error names the path and the line. */
    snprintf(path, sizeof(path), "%s/bad.properties", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "ok=1\nbad=\\u00\n", 15), 15);
    close(fd);
    assert_int_equal(cd_properties_load_file(props, path, errstr, sizeof(errstr)), -1);
    snprintf(expected, sizeof(expected), "%s: line 2: Malformed \\uxxxx encoding.", path);
    assert_string_equal(errstr, expected);
    assert_int_equal(cd_properties_count(props), 0);
    unlink(path);

    /* And a good file loads. */
    snprintf(path, sizeof(path), "%s/good.properties", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "name=sink\ntasks.max=2\n", 22), 22);
    close(fd);
    assert_int_equal(cd_properties_load_file(props, path, errstr, sizeof(errstr)), 0);
    assert_entry(props, "name", "sink");
    assert_entry(props, "tasks.max", "2");
    unlink(path);

    rmdir(dir);
    cd_properties_destroy(props);
}

/* ------------------------------------------------------------------------ */
/* Golden comparison with java.util.Properties                              */
/* ------------------------------------------------------------------------ */

typedef struct golden_text_s {
    char *data;
    size_t len;
    size_t capacity;
} golden_text_t;

static void text_append(golden_text_t *text, const char *bytes, size_t n)
{
    if (text->len + n + 1 > text->capacity) {
        size_t capacity = text->capacity ? text->capacity : 256;
        while (capacity < text->len + n + 1)
            capacity *= 2;
        text->data = realloc(text->data, capacity);
        assert_non_null(text->data);
        text->capacity = capacity;
    }
    memcpy(text->data + text->len, bytes, n);
    text->len += n;
    text->data[text->len] = '\0';
}

static void text_append_unit(golden_text_t *text, unsigned unit)
{
    char escaped[16];

    if (unit == '\\') {
        text_append(text, "\\\\", 2);
    } else if (unit >= 0x20 && unit <= 0x7E) {
        escaped[0] = (char)unit;
        text_append(text, escaped, 1);
    } else {
        snprintf(escaped, sizeof(escaped), "\\u%04X", unit & 0xFFFFu);
        text_append(text, escaped, 6);
    }
}

/* The canonical form of PropertiesGolden.java: UTF-16 code units. */
static void text_append_escaped(golden_text_t *text, const char *utf8)
{
    const unsigned char *p = (const unsigned char *)utf8;

    while (*p) {
        uint32_t cp;
        int extra;

        if (*p < 0x80) {
            cp = *p;
            extra = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            extra = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            extra = 2;
        } else {
            assert_true((*p & 0xF8) == 0xF0);
            cp = *p & 0x07;
            extra = 3;
        }
        p++;
        while (extra-- > 0) {
            assert_true((*p & 0xC0) == 0x80);
            cp = (cp << 6) | (*p++ & 0x3F);
        }
        if (cp >= 0x10000) {
            text_append_unit(text, 0xD800 + ((cp - 0x10000) >> 10));
            text_append_unit(text, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            text_append_unit(text, cp);
        }
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_whole_file(const char *path, size_t *len_out)
{
    FILE *file = fopen(path, "rb");
    golden_text_t text = {0};
    char chunk[4096];
    size_t n;

    if (!file)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    text_append(&text, "", 0);
    while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
        text_append(&text, chunk, n);
    fclose(file);
    *len_out = text.len;
    return text.data;
}

/* Returns the canonical text of parsing path with the C parser. */
static char *canonical_c_output(const char *path)
{
    char errstr[ERRSTR_SIZE];
    cd_properties_t *props = cd_properties_new();
    golden_text_t out = {0};
    char **lines;
    size_t count;
    size_t i;

    assert_non_null(props);
    text_append(&out, "", 0);
    if (cd_properties_load_file(props, path, errstr, sizeof(errstr)) != 0) {
        /* "path: line N: message" -> "error\tmessage" */
        const char *message = strstr(errstr, ": line ");
        assert_non_null(message);
        message = strstr(message + 7, ": ");
        assert_non_null(message);
        text_append(&out, "error\t", 6);
        text_append_escaped(&out, message + 2);
        text_append(&out, "\n", 1);
        cd_properties_destroy(props);
        return out.data;
    }
    count = cd_properties_count(props);
    lines = calloc(count + 1, sizeof(*lines));
    assert_non_null(lines);
    for (i = 0; i < count; i++) {
        golden_text_t line = {0};
        text_append_escaped(&line, cd_properties_key_at(props, i));
        text_append(&line, "\t", 1);
        text_append_escaped(&line, cd_properties_value_at(props, i));
        lines[i] = line.data;
    }
    qsort(lines, count, sizeof(*lines), compare_strings);
    for (i = 0; i < count; i++) {
        text_append(&out, lines[i], strlen(lines[i]));
        text_append(&out, "\n", 1);
        free(lines[i]);
    }
    free(lines);
    cd_properties_destroy(props);
    return out.data;
}

static void test_golden_against_java(void **state)
{
    const char *source_dir = getenv("CONNECTD_SOURCE_DIR");
    char dir_path[1024];
    char input_path[2048];
    char expected_path[2048];
    struct dirent *entry;
    size_t compared = 0;
    size_t failed = 0;
    DIR *dir;

    if (!source_dir)
        source_dir = ".";
    snprintf(dir_path, sizeof(dir_path), "%s/tests/golden/properties", source_dir);
    dir = opendir(dir_path);
    if (!dir)
        fail_msg("cannot open %s: %s (set CONNECTD_SOURCE_DIR)", dir_path, strerror(errno));
    while ((entry = readdir(dir)) != NULL) {
        size_t name_len = strlen(entry->d_name);
        const char *suffix = ".properties";
        size_t suffix_len = strlen(suffix);
        size_t expected_len;
        char *expected;
        char *actual;

        if (name_len <= suffix_len || strcmp(entry->d_name + name_len - suffix_len, suffix) != 0)
            continue;
        snprintf(input_path, sizeof(input_path), "%s/%s", dir_path, entry->d_name);
        snprintf(expected_path, sizeof(expected_path), "%s/%.*s.expected", dir_path,
                 (int)(name_len - suffix_len), entry->d_name);
        expected = read_whole_file(expected_path, &expected_len);
        actual = canonical_c_output(input_path);
        if (strcmp(expected, actual) != 0) {
            print_error("golden mismatch for %s\n--- java\n%s--- c\n%s", entry->d_name, expected,
                        actual);
            failed++;
        }
        compared++;
        free(expected);
        free(actual);
    }
    closedir(dir);
    print_message("properties golden: %zu compared, %zu mismatched\n", compared, failed);
    assert_true(compared >= 20);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_separator_forms),
        cmocka_unit_test(test_continuation_backslash_counts),
        cmocka_unit_test(test_continuation_at_eof),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_unicode_escapes),
        cmocka_unit_test(test_lone_surrogates_become_replacement_char),
        cmocka_unit_test(test_malformed_unicode_escapes),
        cmocka_unit_test(test_error_line_numbers),
        cmocka_unit_test(test_empty_key),
        cmocka_unit_test(test_escaped_separators_in_key),
        cmocka_unit_test(test_value_whitespace),
        cmocka_unit_test(test_duplicates_last_wins_first_order),
        cmocka_unit_test(test_line_terminators),
        cmocka_unit_test(test_bom_is_part_of_first_key),
        cmocka_unit_test(test_high_bytes_are_latin1),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_long_lines_and_bounds),
        cmocka_unit_test(test_long_continued_line),
        cmocka_unit_test(test_too_many_keys),
        cmocka_unit_test(test_parse_error_leaves_map_unchanged),
        cmocka_unit_test(test_map_api),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_golden_against_java),
    };

    return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
