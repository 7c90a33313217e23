#include <stdio.h>
#include <string.h>

#include "sha1.h"

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			(uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		if (i < 20)
			t = ((b & c) | (~b & d)) + 0x5a827999;
		else if (i < 40)
			t = (b ^ c ^ d) + 0x6ed9eba1;
		else if (i < 60)
			t = ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc;
		else
			t = (b ^ c ^ d) + 0xca62c1d6;
		t += ROL(a, 5) + e + w[i];
		e = d;
		d = c;
		c = ROL(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void sha1_init(struct sha1 *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
}

void sha1_update(struct sha1 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used = c->len % 64;

	c->len += len;
	if (used) {
		size_t n = 64 - used < len ? 64 - used : len;
		memcpy(c->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		block(c->h, c->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		block(c->h, p);
	memcpy(c->buf, p, len);
}

void sha1_final(unsigned char out[20], struct sha1 *c)
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t used = c->len % 64, n = used < 56 ? 56 - used : 120 - used;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = bits >> (56 - 8 * i);
	sha1_update(c, pad, n + 8);
	for (i = 0; i < 20; i++)
		out[i] = c->h[i / 4] >> (24 - 8 * (i % 4));
}

void git_blob_oid(unsigned char out[20], const void *data, size_t len)
{
	struct sha1 c;
	char head[32];
	int n = snprintf(head, sizeof(head), "blob %zu", len);

	sha1_init(&c);
	sha1_update(&c, head, n + 1);	/* with its NUL */
	sha1_update(&c, data, len);
	sha1_final(out, &c);
}

void oid_to_hex(char *hex, const unsigned char *oid)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < OID_RAW; i++) {
		hex[2 * i] = digits[oid[i] >> 4];
		hex[2 * i + 1] = digits[oid[i] & 15];
	}
	hex[2 * OID_RAW] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_to_oid(unsigned char *oid, const char *hex)
{
	int i, a, b;

	for (i = 0; i < OID_RAW; i++) {
		if ((a = hexval(hex[2 * i])) < 0 || (b = hexval(hex[2 * i + 1])) < 0)
			return -1;
		oid[i] = a << 4 | b;
	}
	return 0;
}
