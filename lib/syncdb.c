/*
 * syncdb.c - the sync's durable state in sync.mdb (see syncdb.h).
 */
#include <errno.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "syncdb.h"
#include "usage.h"
#include "xalloc.h"

/* sparse: the file grows only as rows are written; 10,000 issues take a few MB */
#define SYNCDB_MAPSIZE ((size_t)1 << 32)

struct syncdb {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	struct strbuf key;
};

static int mdb_err(int rc, const char *what)
{
	return error("sync.mdb: %s: %s", what, mdb_strerror(rc));
}

int syncdb_open(struct syncdb **out, const char *commondir)
{
	struct syncdb *db = xcalloc(1, sizeof(*db));
	struct strbuf path = STRBUF_INIT;
	MDB_txn *txn;
	int rc;

	strbuf_init(&db->key, 0);
	strbuf_addf(&path, "%s/roadmap", commondir);
	if (mkdir(path.buf, 0777) && errno != EEXIST) {
		error_errno("cannot create %s", path.buf);
		goto fail;
	}
	strbuf_addstr(&path, "/sync.mdb");
	if ((rc = mdb_env_create(&db->env)) || (rc = mdb_env_set_mapsize(db->env, SYNCDB_MAPSIZE)) ||
	    (rc = mdb_env_open(db->env, path.buf, MDB_NOSUBDIR | MDB_NOTLS, 0644))) {
		mdb_err(rc, path.buf);
		goto fail;
	}
	if ((rc = mdb_txn_begin(db->env, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, NULL, 0, &db->dbi)) ||
	    (rc = mdb_txn_commit(txn))) {
		mdb_err(rc, "open");
		goto fail;
	}
	strbuf_release(&path);
	*out = db;
	return 0;
fail:
	strbuf_release(&path);
	syncdb_close(db);
	return -1;
}

void syncdb_close(struct syncdb *db)
{
	if (!db)
		return;
	syncdb_abort(db);
	if (db->env)
		mdb_env_close(db->env);
	strbuf_release(&db->key);
	free(db);
}

int syncdb_begin(struct syncdb *db, int write)
{
	int rc;

	syncdb_abort(db);
	if ((rc = mdb_txn_begin(db->env, NULL, write ? 0 : MDB_RDONLY, &db->txn))) {
		db->txn = NULL;
		return mdb_err(rc, "begin");
	}
	return 0;
}

int syncdb_commit(struct syncdb *db)
{
	int rc = mdb_txn_commit(db->txn);

	db->txn = NULL;
	return rc ? mdb_err(rc, "commit") : 0;
}

void syncdb_abort(struct syncdb *db)
{
	if (db->txn)
		mdb_txn_abort(db->txn);
	db->txn = NULL;
}

static MDB_val *make_key(struct syncdb *db, const char *remote, const char *key, MDB_val *k)
{
	strbuf_reset(&db->key);
	strbuf_addstr(&db->key, remote);
	strbuf_addch(&db->key, '\0');
	strbuf_addstr(&db->key, key);
	k->mv_data = db->key.buf;
	k->mv_size = db->key.len;
	return k;
}

int syncdb_get(struct syncdb *db, const char *remote, const char *key, struct strbuf *out)
{
	MDB_val k, v;
	int rc = mdb_get(db->txn, db->dbi, make_key(db, remote, key, &k), &v);

	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc)
		return mdb_err(rc, "get");
	strbuf_reset(out);
	strbuf_add(out, v.mv_data, v.mv_size);
	return 0;
}

int syncdb_put(struct syncdb *db, const char *remote, const char *key, const void *val, size_t len)
{
	MDB_val k, v = { len, (void *)val };
	int rc = mdb_put(db->txn, db->dbi, make_key(db, remote, key, &k), &v, 0);

	return rc ? mdb_err(rc, "put") : 0;
}

int syncdb_put_str(struct syncdb *db, const char *remote, const char *key, const char *val)
{
	return syncdb_put(db, remote, key, val, strlen(val));
}

int syncdb_del(struct syncdb *db, const char *remote, const char *key)
{
	MDB_val k;
	int rc = mdb_del(db->txn, db->dbi, make_key(db, remote, key, &k), NULL);

	return rc && rc != MDB_NOTFOUND ? mdb_err(rc, "del") : 0;
}

int syncdb_foreach(struct syncdb *db, const char *remote, const char *prefix, syncdb_fn fn,
		   void *data)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct strbuf start = STRBUF_INIT, key = STRBUF_INIT;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(db->txn, db->dbi, &c)))
		return mdb_err(rc, "cursor");
	strbuf_addstr(&start, remote);
	strbuf_addch(&start, '\0');
	strbuf_addstr(&start, prefix);
	k.mv_data = start.buf;
	k.mv_size = start.len;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); !rc && !ret;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < start.len || memcmp(k.mv_data, start.buf, start.len))
			break;
		strbuf_reset(&key);
		strbuf_add(&key, (char *)k.mv_data + strlen(remote) + 1, k.mv_size - strlen(remote) - 1);
		ret = fn(key.buf, v.mv_data, v.mv_size, data);
	}
	if (rc && rc != MDB_NOTFOUND && !ret)
		ret = mdb_err(rc, "walk");
	mdb_cursor_close(c);
	strbuf_release(&start);
	strbuf_release(&key);
	return ret;
}

void sync_stop_point(const char *what)
{
	static int stopped;
	const char *at = getenv("ROADMAP_TEST_SYNC_STOP_AT");

	/* a test's edit made while the sync is stopped here (kill -CONT goes on) */
	if (!stopped && at && !strcmp(at, what)) {
		stopped = 1;
		raise(SIGSTOP);
	}
}

void sync_crash_point(const char *what)
{
	static long at[2] = { -1, 0 };

	test_crash_point("ROADMAP_TEST_SYNC_CRASH_AT", "sync", what, at);
	sync_stop_point(what);
}
