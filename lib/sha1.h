#ifndef SHA1_H
#define SHA1_H

#include <stddef.h>
#include <stdint.h>

/*
 * sha1.h - SHA-1 and object ids: to tell whether a working file holds
 * a given blob without starting libgit2 (git hashes "blob <size>\0<content>"),
 * and an id's raw and hex forms. A utility: calls nothing of ours.
 */

#define OID_RAW 20
#define OID_HEX 40

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
};

void sha1_init(struct sha1 *c);
void sha1_update(struct sha1 *c, const void *data, size_t len);
void sha1_final(unsigned char out[20], struct sha1 *c);

/* The object id git gives a blob of these bytes. */
void git_blob_oid(unsigned char out[20], const void *data, size_t len);

/* hex[OID_HEX + 1] gets oid's hex digits. */
void oid_to_hex(char *hex, const unsigned char *oid);
/* Returns 0, or -1 when hex does not start with OID_HEX lowercase hex digits. */
int hex_to_oid(unsigned char *oid, const char *hex);

#endif
