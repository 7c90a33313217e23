#ifndef YAMLQUOTE_H
#define YAMLQUOTE_H

#include <stddef.h>

#include "strbuf.h"

/*
 * yamlquote.h - strings written as YAML scalars that read back as the same
 * string under YAML 1.1 (PyYAML, roadmap-cli) and 1.2 (libyaml, js-yaml:
 * Backlog.md); calls strbuf. Used by the writers through frontmatter.
 */

/*
 * Append s[0..len) as a YAML scalar that reads back as this string in
 * YAML 1.1 and 1.2: plain when it can be, else in single quotes, else
 * (control characters, line breaks) in double quotes with escapes. `flow`:
 * inside [ ] (no plain `,[]{}`). `quote`: '\'' or '"' to prefer that
 * style when quotes are needed or plain is not wanted, 0 for plain first.
 */
void yaml_quote(struct strbuf *out, const char *s, size_t len, int flow, int quote);

/* Whether s[0..len) can be a plain scalar at all, whatever type YAML then reads (a number, a date). */
int yaml_plain_ok(const char *s, size_t len, int flow);

/*
 * Whether a plain s[0..len) reads back as a string in YAML 1.1 and 1.2:
 * no number, date, boolean or null (anything starting with a digit counts
 * as one, to be safe).
 */
int yaml_plain_string(const char *s, size_t len);

#endif
