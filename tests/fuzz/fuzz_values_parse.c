/*
 * fuzz_values_parse.c: libFuzzer target for Values.parseString (data/values.c)
 * through SimpleHeaderConverter: any bytes -> toConnectHeader (UTF-8 decode,
 * parse, schema inference) -> fromConnectHeader of the result -> parse again.
 */
#include <connectd/converter.h>

#include "data/values.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cd_converter_t *conv;
    char errstr[256];
    cd_schema_and_value_t sv = {0}, again = {0};
    cd_buf_t out;
    bool is_null = false;
    if (!conv) {
        conv = cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_HEADER, errstr,
                                sizeof(errstr));
        if (!conv)
            abort();
    }
    if (size > 65536)
        return 0;
    cd_buf_init(&out);
    if (cd_converter_to_connect_header(conv, "t", "h", data, size, &sv, errstr, sizeof(errstr)) !=
        0)
        abort(); /* the header converter always falls back to BYTES */
    if (size > 0 && !sv.schema)
        goto done; /* "null" */
    if (cd_converter_from_connect_header(conv, "t", "h", sv.schema, sv.value, &out, &is_null,
                                         errstr, sizeof(errstr)) != 0)
        abort();
    if (!is_null && !cd_values_utf8_is_valid(out.data, out.len))
        abort(); /* what we write is always valid UTF-8 */
    if (!is_null)
        cd_values_parse_string((const char *)out.data, out.len, &again, errstr, sizeof(errstr));
done:
    cd_schema_and_value_clear(&sv);
    cd_schema_and_value_clear(&again);
    cd_buf_free(&out);
    return 0;
}
