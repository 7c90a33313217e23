/*
 * output.h - how records and paths are written: JSON, and git's quoting.
 * Parsing layer: may call record and the utilities, never the index.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stddef.h>

#include "record.h"
#include "strbuf.h"

/* Append s[0..len) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void out_json_string(struct strbuf *sb, const char *s, size_t len);

/*
 * Append the node at *p as JSON (YAML 1.2 core-schema typing for plain
 * scalars) and advance *p past it. Returns -1 on a malformed record.
 */
int out_json_node(struct strbuf *sb, const unsigned char **p, const unsigned char *end);

/*
 * Append name="val" as a label of Prometheus's text format: \, " and a
 * newline in val escaped.
 */
void out_prom_label(struct strbuf *sb, const char *name, const char *val);

/*
 * Append path as git prints it in a record: verbatim when nul_terminated
 * (-z), else C-quoted in double quotes when it holds '"', '\\', a control
 * character or a byte over 0x7f (core.quotePath's default).
 */
void quote_path(struct strbuf *sb, const char *path, size_t len, int nul_terminated);

/*
 * Append a field's value as quote_path() does, but for bytes over 0x7f,
 * kept as they are (UTF-8 text stays readable): one record per line
 * whatever a title holds.
 */
void quote_value(struct strbuf *sb, const char *s, size_t len, int nul_terminated);

/*
 * Undo quote_path() (and quote_value()): when s[0..len) is a C-quoted path, append its bytes
 * to out and return 0; otherwise append s as it is and return 0; -1 when
 * the quoting is malformed.
 */
int unquote_path(struct strbuf *out, const char *s, size_t len);

#endif
