#!/usr/bin/env python3
"""Generates cases.json, the JsonConverter golden cases (see README.md in this directory).

The cases are written here in Python because their inputs are JSON texts kept
byte for byte (as strings), which are tedious to escape by hand. Run
tests/golden/regen-json.sh after editing; it runs this script, then Java.
"""
import base64
import json
import os

CASES = []


def env(schema, payload):
    """An envelope text; schema/payload are JSON texts (so numbers keep their digits)."""
    return '{"schema":%s,"payload":%s}' % (schema, payload)


def write(name, schema, payload, config=None, decode_config=None):
    c = {"name": "write_" + name, "op": "write", "input": env(schema, payload)}
    if config:
        c["config"] = config
    if decode_config:
        c["decode_config"] = decode_config
    CASES.append(c)


def read(name, text=None, config=None, raw=None, null=False, encode_config=None):
    c = {"name": "read_" + name, "op": "read"}
    if null:
        c["input"] = None
    elif raw is not None:
        c["input_base64"] = base64.b64encode(raw).decode()
    else:
        c["input"] = text
    if config:
        c["config"] = config
    if encode_config:
        c["encode_config"] = encode_config
    CASES.append(c)


def config(name, cfg):
    CASES.append({"name": "config_" + name, "op": "config", "config": cfg})


NOENV = {"schemas.enable": "false"}
NUMERIC = {"decimal.format": "NUMERIC"}
KEEP_NULL = {"replace.null.with.default": "false"}
DEC2 = '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}'
DATE = '{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1}'
TIME = '{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1}'
TS = '{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1}'

# ---- primitives ----
write("int8", '{"type":"int8"}', "-128")
write("int16", '{"type":"int16"}', "32767")
write("int32", '{"type":"int32"}', "-2147483648")
write("int64", '{"type":"int64"}', "9223372036854775807")
write("int8_wraps", '{"type":"int8"}', "300")
write("boolean", '{"type":"boolean"}', "true")
write("string_ascii", '{"type":"string"}', '"hello, world"')
write("string_controls", '{"type":"string"}',
      json.dumps("".join(chr(i) for i in range(0, 32)) + '"\\/\x7f'))
write("string_unicode", '{"type":"string"}', '"h\u00e9llo \u2713 \ud83d\ude00 \u2028 caf\u00e9"')
write("string_raw_utf8", '{"type":"string"}', '"\u00fc\u4e2d\U0001F600"')
write("bytes", '{"type":"bytes"}', '"AQID/w=="')
write("bytes_empty", '{"type":"bytes"}', '""')
write("bytes_long", '{"type":"bytes"}', json.dumps(base64.b64encode(bytes(range(200))).decode()))

# ---- floating point ----
for label, text in [("0_1", "0.1"), ("1_5", "1.5"), ("1e7", "1e7"), ("9999999", "9999999"),
                    ("123456_789", "123456.789"), ("max", "3.4028235E38"), ("min", "1.4E-45"),
                    ("1e-3", "0.001"), ("1e-4", "0.0001"), ("neg", "-2.5e-8"),
                    ("16777217", "16777217"), ("1_1", "1.1"),
                    ("jdk17_long_path", "2425812100000000000")]:
    write("float32_" + label, '{"type":"float"}', text)
for label, text in [("0_1", "0.1"), ("0_3", "0.30000000000000004"), ("1e7", "10000000"),
                    ("9999999", "9999999.0"), ("1e-3", "0.001"), ("1e-4", "1.0E-4"),
                    ("large", "1.7976931348623157E308"), ("min", "4.9E-324"),
                    ("pi", "3.141592653589793"), ("neg_zero", "-0.0"), ("int_text", "5"),
                    ("100", "100.0"), ("1234567", "1234567.0"), ("1e21", "1e21"),
                    ("neg_large", "-123456789012.5"), ("2_5e-5", "0.000025"),
                    ("1e22", "1e22"), ("small", "2.2250738585072014E-308"),
                    ("jdk17_long_path", "572235191933147712"), ("2e53", "9007199254740993")]:
    write("float64_" + label, '{"type":"double"}', text)

# ---- containers ----
write("array_int32", '{"type":"array","items":{"type":"int32"}}', "[1,2,3]")
write("array_optional_items", '{"type":"array","items":{"type":"string","optional":true}}',
      '["a",null,"c"]')
write("array_empty", '{"type":"array","items":{"type":"int32"}}', "[]")
write("map_string_keys", '{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}',
      '{"b":2,"a":1,"c":3,"aa":11,"10":10,"Aa":5,"BB":6}')
write("map_string_keys_many", '{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}',
      "{" + ",".join('"key%d":%d' % (i, i) for i in range(20)) + "}")
write("map_int_keys", '{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}}',
      '[[3,"c"],[1,"a"],[17,"q"],[-1,"m"],[16,"p"]]')
write("map_int64_keys", '{"type":"map","keys":{"type":"int64"},"values":{"type":"boolean"}}',
      '[[4294967296,true],[1,false],[-5,true]]')
write("map_struct_values",
      '{"type":"map","keys":{"type":"string"},"values":{"type":"struct","fields":['
      '{"type":"int32","field":"x"},{"type":"string","optional":true,"field":"y"}]}}',
      '{"p":{"x":1,"y":"one"},"q":{"x":2,"y":null}}')
write("map_optional_values",
      '{"type":"map","keys":{"type":"string"},"values":{"type":"int32","optional":true}}',
      '{"n":null,"v":1}')
write("map_string_bool_keys", '{"type":"map","keys":{"type":"boolean"},"values":{"type":"int8"}}',
      '[[true,1],[false,0]]')
write("struct_nested",
      '{"type":"struct","name":"outer","fields":[{"type":"int32","field":"id"},'
      '{"type":"struct","name":"inner","optional":true,"fields":[{"type":"string","field":"s"},'
      '{"type":"double","field":"d"}],"field":"in"}]}',
      '{"id":7,"in":{"s":"x","d":2.5}}')
write("struct_array_of_structs",
      '{"type":"struct","fields":[{"type":"array","items":{"type":"struct","fields":['
      '{"type":"int64","field":"n"}]},"field":"list"}]}',
      '{"list":[{"n":1},{"n":2},{"n":3}]}')
write("struct_optional_fields_null",
      '{"type":"struct","fields":[{"type":"int32","optional":true,"field":"a"},'
      '{"type":"struct","optional":true,"fields":[{"type":"int32","field":"z"}],"field":"b"}]}',
      '{"a":null,"b":null}')
write("struct_field_order",
      '{"type":"struct","fields":[{"type":"string","field":"zeta"},{"type":"string","field":"alpha"},'
      '{"type":"string","field":"mid"}]}',
      '{"alpha":"a","mid":"m","zeta":"z"}')
write("user_example",
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},'
      '{"type":"string","optional":true,"field":"name"},'
      '{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp",'
      '"version":1,"field":"ts"}],"optional":false,"name":"com.example.User"}',
      '{"id":1,"name":null,"ts":1729800000000}')

# ---- schema attributes and defaults ----
write("schema_full_attributes",
      '{"doc":"the doc","parameters":{"b":"2","a":"1"},"version":3,"name":"my.Name",'
      '"optional":true,"type":"string"}', '"v"')
write("schema_empty_parameters", '{"type":"string","parameters":{}}', '"v"')
write("schema_default_int", '{"type":"int32","optional":true,"default":42}', "1")
write("schema_default_string", '{"type":"string","default":"d\\"q"}', '"v"')
write("schema_default_map",
      '{"type":"map","keys":{"type":"string"},"values":{"type":"int32"},"default":{"k":1}}',
      '{"x":2}')
write("schema_default_array",
      '{"type":"array","items":{"type":"double"},"default":[1.5,2]}', "[3]")
write("schema_default_decimal",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,'
      '"parameters":{"scale":"2"},"default":"AN4="}', '"AQ=="')
write("schema_default_decimal_numeric",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,'
      '"parameters":{"scale":"2"},"default":"AN4="}', '"AQ=="', config=NUMERIC)
STRUCT_DEFAULTS = ('{"type":"struct","fields":[{"type":"int32","optional":true,"default":42,'
                   '"field":"a"},{"type":"string","optional":true,"default":"dflt","field":"b"}]}')
write("struct_defaults_replace", STRUCT_DEFAULTS, '{"a":null,"b":null}', decode_config=KEEP_NULL)
write("struct_defaults_keep_null", STRUCT_DEFAULTS, '{"a":null,"b":null}', config=KEEP_NULL,
      decode_config=KEEP_NULL)
write("top_default_replace", '{"type":"int32","optional":true,"default":7}', "null",
      decode_config=KEEP_NULL)
write("top_default_keep_null", '{"type":"int32","optional":true,"default":7}', "null",
      config=KEEP_NULL, decode_config=KEEP_NULL)
write("top_default_keep_null_noenv", '{"type":"int32","optional":true,"default":7}', "null",
      config={"schemas.enable": "false", "replace.null.with.default": "false"},
      decode_config=KEEP_NULL)

# ---- nulls, tombstones, schemas.enable=false ----
write("tombstone", "null", "null")
write("tombstone_noenv", "null", "null", config=NOENV)
write("optional_null", '{"type":"string","optional":true}', "null")
write("optional_null_noenv", '{"type":"string","optional":true}', "null", config=NOENV)
write("schemaless_value", "null", '{"a":1}')
write("schemaless_nested", "null", '[1,2.5,"x",true,null,{"k":[]},{"b":1,"a":2}]')
write("noenv_int32", '{"type":"int32"}', "5", config=NOENV)
write("noenv_struct",
      '{"type":"struct","fields":[{"type":"int32","field":"a"},{"type":"bytes","field":"b"}]}',
      '{"a":1,"b":"AAE="}', config=NOENV)

# ---- logical types ----
write("decimal_base64", DEC2, '"AN4="')
write("decimal_numeric", DEC2, '"AN4="', config=NUMERIC)
write("decimal_numeric_lowercase_config", DEC2, '"AN4="', config={"decimal.format": " numeric "})
write("decimal_from_number_base64", DEC2, "-1.50")
write("decimal_from_number_numeric", DEC2, "-1.50", config=NUMERIC)
write("decimal_scale_mismatch", DEC2, "1.5")
write("decimal_scale_mismatch_numeric", DEC2, "1.5", config=NUMERIC)
write("decimal_big_numeric",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"5"}}',
      "-123456789012345678901234567890.12345", config=NUMERIC)
write("decimal_big_base64",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"5"}}',
      "-123456789012345678901234567890.12345")
write("decimal_negative_scale_numeric",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"-3"}}',
      "1E+3", config=NUMERIC)
write("decimal_small_numeric",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"10"}}',
      "1E-10", config=NUMERIC)
write("decimal_zero_base64", DEC2, "0.00")
write("decimal_128_base64",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"0"}}',
      "128")
write("decimal_minus128_base64",
      '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"0"}}',
      "-128")
write("date", DATE, "19000")
write("date_negative", DATE, "-1")
write("time", TIME, "3600000")
write("timestamp", TS, "1729800000000")
write("timestamp_negative", TS, "-1")

# ---- reading: envelopes and errors ----
read("envelope_int32", env('{"type":"int32"}', "42"))
read("envelope_whitespace", ' { "payload" : 1 ,\n "schema" : { "type" : "int64" } } ')
read("envelope_missing_payload", '{"schema":{"type":"int32"}}')
read("envelope_extra_field", '{"schema":{"type":"int32"},"payload":1,"x":2}')
read("envelope_not_object", "[1,2]")
read("envelope_duplicate_keys", '{"schema":null,"payload":1,"schema":{"type":"int8"}}')
read("empty_input", "")
read("empty_input_noenv", "", config=NOENV)
read("whitespace_only_noenv", " \n\t ", config=NOENV)
read("tombstone", null=True)
read("tombstone_noenv", null=True, config=NOENV)
read("unknown_type", env('{"type":"foo"}', "1"))
read("no_type", env('{"optional":true}', "1"))
read("type_not_string", env('{"type":5}', "1"))
read("schema_not_object", env("5", "1"))
read("array_no_items", env('{"type":"array"}', "[]"))
read("map_no_keys", env('{"type":"map","values":{"type":"int32"}}', "{}"))
read("map_null_keys", env('{"type":"map","keys":null,"values":{"type":"int32"}}', "{}"))
read("struct_fields_not_array", env('{"type":"struct","fields":{}}', "{}"))
read("struct_field_no_name", env('{"type":"struct","fields":[{"type":"int32"}]}', "{}"))
read("struct_field_empty_name", env('{"type":"struct","fields":[{"type":"int32","field":""}]}', "{}"))
read("struct_duplicate_field",
     env('{"type":"struct","fields":[{"type":"int32","field":"a"},{"type":"int32","field":"a"}]}',
         "{}"))
read("params_not_string", env('{"type":"string","parameters":{"a":1}}', '"x"'))
read("schema_full_attributes",
     env('{"type":"string","optional":true,"name":"n","version":2,"doc":"d",'
         '"parameters":{"z":"1","a":"2"}}', '"v"'))
read("version_not_integral", env('{"type":"string","version":1.5}', '"v"'))
read("type_mismatch_string", env('{"type":"string"}', "5"))
read("type_mismatch_string_optional", env('{"type":"string","optional":true}', "5"))
read("int8_out_of_range", env('{"type":"int8"}', "300"))
read("int16_from_float", env('{"type":"int16"}', "-1.9"))
read("int32_from_string", env('{"type":"int32"}', '"12"'))
read("int64_from_bigint", env('{"type":"int64"}', "18446744073709551617"))
read("int32_from_exponent", env('{"type":"int32"}', "1.5e3"))
read("boolean_from_string", env('{"type":"boolean"}', '"true"'))
read("float32_rounding", env('{"type":"float"}', "16777217"))
read("float32_from_text", env('{"type":"float"}', "0.1"))
read("float64_neg_zero", env('{"type":"double"}', "-0.0"))
read("float64_huge", env('{"type":"double"}', "1e400"))
read("bytes_bad_padding", env('{"type":"bytes"}', '"AAA"'))
read("bytes_bad_char", env('{"type":"bytes"}', '"A*=="'))
read("bytes_whitespace_quads", env('{"type":"bytes"}', '" AA== AA=="'))
read("bytes_from_number", env('{"type":"bytes","optional":true}', "5"))
read("struct_missing_required", env('{"type":"struct","fields":[{"type":"int32","field":"a"},'
                                    '{"type":"int32","field":"b"}]}', '{"a":1}'))
read("struct_not_object", env('{"type":"struct","fields":[]}', "[]"))
read("struct_extra_members", env('{"type":"struct","fields":[{"type":"int32","field":"a"}]}',
                                 '{"zz":1,"a":2,"b":3}'))
read("struct_default_rejected",
     env('{"type":"struct","fields":[{"type":"int32","field":"a"}],"default":{"a":1}}', "null"))
read("map_string_not_object",
     env('{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}', "[]"))
read("map_nonstring_not_array",
     env('{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}}', "{}"))
read("map_entry_not_array",
     env('{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}}', "[1]"))
read("map_entry_length",
     env('{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}}', "[[1,2,3]]"))
read("map_int_keys_duplicate",
     env('{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}}',
         '[[1,"a"],[2,"b"],[1,"c"]]'))
read("map_string_keys_order",
     env('{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}',
         '{"zebra":1,"apple":2,"mango":3,"kiwi":4,"banana":5}'))
read("array_from_object", env('{"type":"array","items":{"type":"int32"}}', '{"a":1,"b":2}'))
read("array_from_scalar", env('{"type":"array","items":{"type":"int32"}}', '5'))
read("default_used", env('{"type":"int32","default":5}', "null"))
read("default_missing_payload_member",
     env('{"type":"struct","fields":[{"type":"int32","default":9,"field":"a"}]}', "{}"))
read("default_keep_null_required", env('{"type":"int32","default":5}', "null"), config=KEEP_NULL)
read("default_keep_null_optional", env('{"type":"int32","optional":true,"default":5}', "null"),
     config=KEEP_NULL)
read("default_invalid_required_null", env('{"type":"int32","default":null}', "1"))
read("default_type_mismatch", env('{"type":"string","default":5}', '"x"'))
read("required_null", env('{"type":"int64"}', "null"))
read("optional_null", env('{"type":"int64","optional":true}', "null"))
read("decimal_base64", env(DEC2, '"AN4="'))
read("decimal_numeric_exponent", env(DEC2, "1.5e2"))
read("decimal_bad_base64", env(DEC2, '"@@"'))
read("decimal_empty_bytes", env(DEC2, '""'))
read("decimal_wrong_type", env(DEC2, "true"))
read("decimal_no_scale",
     env('{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"}', '"AQ=="'))
read("date", env(DATE, "19000"))
read("date_not_int", env(DATE, "1.0"))
read("date_long", env(DATE, "4294967296"))
read("time_out_of_range", env(TIME, "86400001"))
read("time_negative", env(TIME, "-1"))
read("timestamp_bigint", env(TS, "18446744073709551617"))
read("timestamp_string", env(TS, '"1"'))
read("unicode_escapes", env('{"type":"string"}', '"\\u00e9\\ud83d\\ude00\\u0000\\n"'))
read("invalid_escape", env('{"type":"string"}', '"\\x"'))
read("control_char_in_string", env('{"type":"string"}', '"a\tb"'))
read("invalid_json", "{")
read("invalid_literal", "truex", config=NOENV)
read("invalid_utf8", raw=b'"\xff"', config=NOENV)
read("invalid_utf8_continuation", raw=b'"\xc3("', config=NOENV)
read("nan_literal", "NaN", config=NOENV)
read("leading_plus", "+1", config=NOENV)
read("trailing_decimal_point", "1.", config=NOENV)

# ---- reading: schemaless ----
read("schemaless_object", '{"b":1,"a":2.5,"c":"s","d":[true,null],"e":{"x":{}}}', config=NOENV)
read("schemaless_envelope_null_schema", env("null", '{"k":1}'))
read("schemaless_big_integer", "99999999999999999999999", config=NOENV)
read("schemaless_leading_zeros", "007", config=NOENV)
read("schemaless_negative_leading_zeros", "-007.50", config=NOENV)
read("schemaless_trailing_garbage", '{"a":1} xyz', config=NOENV)
read("schemaless_number_then_garbage", "123abc", config=NOENV)
read("schemaless_number_then_space_garbage", "123 abc", config=NOENV)
read("schemaless_neg_zero", "-0.0", config=NOENV)
read("schemaless_negative_underflow", "-1e-400", config=NOENV)
read("schemaless_huge_exponent", "1e400", config=NOENV)
read("schemaless_exponent_overflow", "1e99999999999", config=NOENV)
read("schemaless_float_precision", "0.1000000000000000055511151231257827", config=NOENV)
read("schemaless_bom", raw=b"\xef\xbb\xbf[1]", config=NOENV)
read("depth_1000", "[" * 1000 + "]" * 1000, config=NOENV)
read("depth_1001", "[" * 1001 + "]" * 1001, config=NOENV)
read("number_1000_digits", "1" * 1000, config=NOENV)
read("number_1001_digits", "1" * 1001, config=NOENV)
read("schemaless_reencoded_noenv", '{"b":[1,{"c":null}],"a":"x"}', config=NOENV,
     encode_config=NOENV)

# ---- schema.content (KIP-1054) ----
read("schema_content", "5", config={"schema.content": '{"type":"int32"}'})
read("schema_content_struct", '{"a":"x"}',
     config={"schema.content": '{"type":"struct","fields":[{"type":"string","field":"a"}]}'})
read("schema_content_empty_input", "", config={"schema.content": '{"type":"int32"}'})
read("schema_content_empty_input_struct", " ",
     config={"schema.content": '{"type":"struct","fields":[]}'})
read("schema_content_empty_input_string", "",
     config={"schema.content": '{"type":"string","optional":true}'})
read("schema_content_ignored_noenv", "5",
     config={"schema.content": '{"type":"int32"}', "schemas.enable": "false"})

# ---- configuration ----
config("bad_schemas_enable", {"schemas.enable": "maybe"})
config("bad_schemas_enable_spaces", {"schemas.enable": " yes"})
config("schemas_enable_case", {"schemas.enable": " FALSE "})
config("bad_decimal_format", {"decimal.format": "hex"})
config("bad_cache_size", {"schemas.cache.size": "ten"})
config("cache_size_zero", {"schemas.cache.size": "0"})
config("bad_replace_null", {"replace.null.with.default": "1"})
config("schema_content_invalid", {"schema.content": "{"})
config("schema_content_unknown_type", {"schema.content": '{"type":"x"}'})

names = [c["name"] for c in CASES]
assert len(names) == len(set(names)), "duplicate case names"

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "cases.json"), "w", encoding="utf-8") as f:
    f.write('{"cases":[\n')
    f.write(",\n".join(json.dumps(c, ensure_ascii=True, sort_keys=False) for c in CASES))
    f.write("\n]}\n")
print("%d cases" % len(CASES))
