#!/bin/sh
test_description='fakegh: the fake GitHub Issues API that the sync tests run against

t/lib/fakegh.py is driven here with curl alone: what it answers, what it
logs, how it fails on purpose, that it keeps its state over a restart and
that it goes away by itself.
'
. ./test-lib.sh
. "$TEST_DIRECTORY/lib/fakegh.sh"
require_fakegh

# link_of REL <LINK-HEADER-VALUE: the URL of that rel, if any
link_of () {
	tr "," "\n" | sed -n "s/^ *<\([^>]*\)>; rel=\"$1\"\$/\1/p"
}

test_expect_success 'seed: 250 issues and 3 pull requests, one in five closed' '
	fakegh_start &&
	fakegh_ctl seed "{\"generate\": {\"count\": 250, \"pull_requests\": 3, \"closed_every\": 5},
		\"milestones\": [{\"title\": \"v1\"}, {\"title\": \"old\", \"state\": \"closed\"}],
		\"assignable\": [\"alice\"]}" >seed &&
	fakegh_json "J.id, len(J.issues), J.pull_requests, J.milestones" seed >out &&
	printf "1000\n250\n[63, 126, 189]\n[1, 2]\n" >expect &&
	test_cmp expect out
'

test_expect_success 'list: per_page=100 is three pages, linked through /repositories/{id}/issues' '
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100" >p1 &&
	test "$(fakegh_status)" = 200 &&
	u="$FAKEGH_URL/repositories/1000/issues?state=all&per_page=100" &&
	printf "%s\n" "<$u&page=2>; rel=\"next\", <$u&page=3>; rel=\"last\"" >expect &&
	fakegh_header Link >link1 &&
	test_cmp expect link1 &&
	fakegh_api GET "$(link_of next <link1)" >p2 &&
	fakegh_header Link >link2 &&
	printf "%s\n" "<$u&page=1>; rel=\"prev\", <$u&page=3>; rel=\"next\", <$u&page=3>; rel=\"last\", <$u&page=1>; rel=\"first\"" >expect &&
	test_cmp expect link2 &&
	fakegh_api GET "$(link_of next <link2)" >p3 &&
	fakegh_header Link >link3 &&
	printf "%s\n" "<$u&page=2>; rel=\"prev\", <$u&page=1>; rel=\"first\"" >expect &&
	test_cmp expect link3 &&
	for p in p1 p2 p3
	do
		fakegh_json "[i.number for i in J]" $p || return 1
	done >numbers &&
	seq 253 -1 1 >expect &&
	test_cmp expect numbers &&
	for p in p1 p2 p3
	do
		fakegh_json "[i.number for i in J if i.pull_request]" $p || return 1
	done >prs &&
	printf "189\n126\n63\n" >expect &&
	test_cmp expect prs &&
	fakegh_json "sorted(set(i.state for i in J))" p1 >states &&
	printf "closed\nopen\n" >expect &&
	test_cmp expect states &&
	test "$(fakegh_log_count GET "^/repositories/1000/issues\?state=all&per_page=100&page=[23]\$" 200)" = 2
'

test_expect_success 'list: default state=open, sort=created desc, 30 a page, no Link on one page' '
	fakegh_api GET /repos/o/r/issues >open &&
	seq 253 -1 1 | awk "\$1 % 5" | head -n 30 >expect &&
	fakegh_json "[i.number for i in J]" open >out &&
	test_cmp expect out &&
	fakegh_header Link | link_of last >last &&
	echo "$FAKEGH_URL/repositories/1000/issues?page=7" >expect &&
	test_cmp expect last &&
	fakegh_api GET "/repos/o/r/issues?state=closed&per_page=100&sort=created&direction=asc" >closed &&
	fakegh_json "len(J), J[0].number, J[0].state_reason, J[0].closed_at == J[0].updated_at" closed >out &&
	printf "50\n5\ncompleted\ntrue\n" >expect &&
	test_cmp expect out &&
	fakegh_header Link >link &&
	test_must_be_empty link &&
	fakegh_api GET "/repos/o/r/issues?per_page=1000&state=all" >big &&
	test "$(fakegh_json "len(J)" big)" = 100
'

test_expect_success 'since: on updated_at, inclusive; exclusive by option; ties in number order' '
	t=$(fakegh_api GET /repos/o/r/issues/250 | fakegh_json J.updated_at) &&
	fakegh_api GET "/repos/o/r/issues?state=all&sort=updated&direction=asc&since=$t" >s &&
	fakegh_json "[i.number for i in J]" s >out &&
	printf "250\n251\n252\n253\n" >expect &&
	test_cmp expect out &&
	fakegh_ctl options "{\"since_inclusive\": false}" >/dev/null &&
	fakegh_api GET "/repos/o/r/issues?state=all&sort=updated&direction=asc&since=$t" >s &&
	fakegh_ctl options "{\"since_inclusive\": true}" >/dev/null &&
	fakegh_json "[i.number for i in J]" s >out &&
	printf "251\n252\n253\n" >expect &&
	test_cmp expect out &&
	fakegh_ctl edit "{\"number\": 9, \"updated_at\": \"2030-01-01T00:00:00Z\"}" >/dev/null &&
	fakegh_ctl edit "{\"number\": 4, \"updated_at\": \"2030-01-01T00:00:00Z\"}" >/dev/null &&
	fakegh_api GET "/repos/o/r/issues?state=all&sort=updated&direction=asc&since=2030-01-01T00:00:00Z" >ties &&
	fakegh_json "[i.number for i in J]" ties >out &&
	printf "4\n9\n" >expect &&
	test_cmp expect out &&
	fakegh_api GET "/repos/o/r/issues?state=all&sort=updated&since=2030-01-01T00:00:00Z" >ties &&
	fakegh_json "[i.number for i in J]" ties >out &&
	printf "9\n4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an out-of-band edit bumps updated_at; CRLF bodies on request or by option' '
	before=$(fakegh_get clock | fakegh_json J.now) &&
	fakegh_ctl edit "{\"number\": 3, \"body\": \"line 1\\nline 2\\n\", \"crlf\": true}" >/dev/null &&
	fakegh_api GET /repos/o/r/issues/3 >i3 &&
	fakegh_json "J.body.count(chr(13)), J.body.count(chr(10)), J.updated_at > \"$before\"" i3 >out &&
	printf "2\n2\ntrue\n" >expect &&
	test_cmp expect out &&
	fakegh_ctl options "{\"crlf_on_edit\": true}" >/dev/null &&
	fakegh_ctl edit "{\"number\": 6, \"body\": \"a\\nb\"}" >/dev/null &&
	fakegh_ctl options "{\"crlf_on_edit\": false}" >/dev/null &&
	fakegh_ctl edit "{\"number\": 8, \"body\": \"a\\nb\"}" >/dev/null &&
	fakegh_api GET /repos/o/r/issues/6 | fakegh_json "J.body.count(chr(13))" >out &&
	fakegh_api GET /repos/o/r/issues/8 | fakegh_json "J.body.count(chr(13))" >>out &&
	printf "1\n0\n" >expect &&
	test_cmp expect out &&
	fakegh_ctl edit "{\"number\": 13, \"state\": \"closed\"}" >e13 &&
	fakegh_json "J.state, J.state_reason, J.closed_at == J.updated_at" e13 >out &&
	fakegh_ctl edit "{\"number\": 13, \"state\": \"open\"}" >e13 &&
	fakegh_json "J.state, J.state_reason, J.closed_at" e13 >>out &&
	printf "closed\ncompleted\ntrue\nopen\nreopened\nnull\n" >expect &&
	test_cmp expect out &&
	fakegh_api GET "/repos/o/r/issues?state=all&sort=updated&direction=asc&since=$before" >top &&
	fakegh_json "[i.number for i in J]" top >out &&
	printf "3\n6\n8\n13\n4\n9\n" >expect &&
	test_cmp expect out
'

test_expect_success 'HTTP/1.1 keep-alive: curl sends several requests on one connection' '
	curl -sS -A t -H "Authorization: Bearer test-token" -o /dev/null -o /dev/null -o /dev/null \
		-w "%{http_code} %{num_connects}\n" "$FAKEGH_URL/repos/o/r/issues/1" \
		"$FAKEGH_URL/repos/o/r/issues/9999" "$FAKEGH_URL/repos/o/r/issues?per_page=5" >connects &&
	printf "200 1\n404 0\n200 0\n" >expect &&
	test_cmp expect connects
'

test_expect_success 'ETag: If-None-Match gives 304 with no body, and costs no rate' '
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100" >/dev/null &&
	etag=$(fakegh_header ETag) &&
	used=$(fakegh_header x-ratelimit-used) &&
	left=$(fakegh_header x-ratelimit-remaining) &&
	test "$(fakegh_header x-ratelimit-limit)" = 5000 &&
	test "$(fakegh_header x-ratelimit-resource)" = core &&
	test $((used + left)) = 5000 &&
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100" "" -H "If-None-Match: $etag" >body &&
	test "$(fakegh_status)" = 304 &&
	test_must_be_empty body &&
	test "$(fakegh_header ETag)" = "$etag" &&
	test "$(fakegh_header x-ratelimit-remaining)" = "$left" &&
	test "$(fakegh_header x-ratelimit-used)" = "$used" &&
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100" >/dev/null &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_header x-ratelimit-remaining)" = $((left - 1)) &&
	test "$(fakegh_log_count GET "" 304)" = 1 &&
	fakegh_ctl edit "{\"number\": 200, \"title\": \"changed on the web\"}" >/dev/null &&
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100" "" -H "If-None-Match: $etag" >/dev/null &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_header ETag)" != "$etag"
'

test_expect_success 'one issue: 200 with ETag, 304, 404' '
	fakegh_api GET /repos/o/r/issues/7 >i7 &&
	test "$(fakegh_status)" = 200 &&
	fakegh_json "J.number, J.title, J.state, J.body, J.labels, J.milestone, J.user.login" i7 >out &&
	printf "7\nIssue 7\nopen\nBody of 7.\n[]\nnull\ntest-user\n" >expect &&
	test_cmp expect out &&
	etag=$(fakegh_header etag) &&
	case $etag in W/\"*\") ;; *) false ;; esac &&
	fakegh_api GET /repos/o/r/issues/7 "" -H "If-None-Match: $etag" >body &&
	test "$(fakegh_status)" = 304 &&
	test_must_be_empty body &&
	fakegh_api GET /repos/o/r/issues/9999 >nf &&
	test "$(fakegh_status)" = 404 &&
	test "$(fakegh_json J.message nf)" = "Not Found" &&
	fakegh_api GET /repositories/1000/issues/7 >same &&
	test_cmp i7 same &&
	fakegh_api GET /repositories/4242/issues >/dev/null &&
	test "$(fakegh_status)" = 404
'

test_expect_success 'create: 201 + Location; labels made on the fly, matched ignoring case' '
	fakegh_api POST /repos/o/r/issues "{\"title\": \"New\", \"labels\": [\"bug\", \"Feature\"]}" >new &&
	test "$(fakegh_status)" = 201 &&
	test "$(fakegh_header Location)" = "$FAKEGH_URL/repos/o/r/issues/254" &&
	fakegh_json "J.number, J.body, J.state, J.state_reason, [l.name for l in J.labels]" new >out &&
	printf "254\nnull\nopen\nnull\n[\"bug\", \"Feature\"]\n" >expect &&
	test_cmp expect out &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"Again\", \"body\": \"b\", \"labels\": [\"BUG\", \"feature\"]}" >again &&
	fakegh_json "[l.name for l in J.labels]" again >out &&
	printf "bug\nFeature\n" >expect &&
	test_cmp expect out &&
	fakegh_api GET /repos/o/r/labels >labels &&
	fakegh_json "[(l.name, l.color) for l in J]" labels >out &&
	printf "%s\n" "[\"bug\", \"ededed\"]" "[\"Feature\", \"ededed\"]" >expect &&
	test_cmp expect out &&
	fakegh_api POST /repos/o/r/labels "{\"name\": \"BUG\", \"color\": \"ff0000\"}" >dup &&
	test "$(fakegh_status)" = 422 &&
	test "$(fakegh_json J.errors[0].code dup)" = already_exists
'

test_expect_success 'create: 422 for no title, a body over 65536, an unknown milestone or assignee' '
	fakegh_api POST /repos/o/r/issues "{\"body\": \"no title\"}" >e1 &&
	test "$(fakegh_status)" = 422 &&
	fakegh_json "J.message, J.errors" e1 >out &&
	printf "%s\n" "Validation Failed" "[{\"resource\": \"Issue\", \"field\": \"title\", \"code\": \"missing_field\"}]" >expect &&
	test_cmp expect out &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"\"}" >/dev/null &&
	test "$(fakegh_status)" = 422 &&
	printf "{\"title\": \"long\", \"body\": \"%s\"}" "$(printf "%065537d" 0)" >long.json &&
	fakegh_api POST /repos/o/r/issues "$(cat long.json)" >e2 &&
	test "$(fakegh_status)" = 422 &&
	fakegh_json "J.errors[0].field, J.errors[0].code, J.errors[0].message" e2 >out &&
	printf "body\ncustom\nbody is too long (maximum is 65536 characters)\n" >expect &&
	test_cmp expect out &&
	printf "{\"title\": \"long\", \"body\": \"%s\"}" "$(printf "%065536d" 0)" >long.json &&
	fakegh_api POST /repos/o/r/issues "$(cat long.json)" >ok &&
	test "$(fakegh_status)" = 201 &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"m\", \"milestone\": 99}" >e3 &&
	test "$(fakegh_status)" = 422 &&
	fakegh_json "J.errors" e3 >out &&
	echo "{\"resource\": \"Issue\", \"field\": \"milestone\", \"code\": \"invalid\", \"value\": 99}" >expect &&
	test_cmp expect out &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"a\", \"assignees\": [\"alice\", \"mallory\"]}" >e4 &&
	test "$(fakegh_status)" = 422 &&
	fakegh_json "J.errors" e4 >out &&
	echo "{\"resource\": \"Issue\", \"field\": \"assignees\", \"code\": \"invalid\", \"value\": \"mallory\"}" >expect &&
	test_cmp expect out &&
	fakegh_api GET /repos/o/r/issues/257 >/dev/null &&
	test "$(fakegh_status)" = 404 &&
	test "$(fakegh_log_count POST "^/repos/o/r/issues\$" 422)" = 5 &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"full\", \"milestone\": 1, \"assignees\": [\"alice\"]}" >full &&
	test "$(fakegh_status)" = 201 &&
	fakegh_json "J.number, J.milestone.number, J.milestone.title, J.assignee.login, [a.login for a in J.assignees]" full >out &&
	printf "%s\n" 257 1 v1 alice "[\"alice\"]" >expect &&
	test_cmp expect out &&
	fakegh_api GET /repos/o/r/assignees/alice >/dev/null &&
	test "$(fakegh_status)" = 204 &&
	fakegh_api GET /repos/o/r/assignees/mallory >/dev/null &&
	test "$(fakegh_status)" = 404
'

test_expect_success 'milestones: state=all, duplicate title 422 already_exists' '
	fakegh_api GET /repos/o/r/milestones >ms &&
	test "$(fakegh_json "[m.title for m in J]" ms)" = v1 &&
	fakegh_api GET "/repos/o/r/milestones?state=all" >ms &&
	fakegh_json "[(m.number, m.title, m.state) for m in J]" ms >out &&
	printf "%s\n" "[1, \"v1\", \"open\"]" "[2, \"old\", \"closed\"]" >expect &&
	test_cmp expect out &&
	fakegh_api POST /repos/o/r/milestones "{\"title\": \"v2\"}" >m &&
	test "$(fakegh_status)" = 201 &&
	test "$(fakegh_json J.number m)" = 3 &&
	fakegh_api POST /repos/o/r/milestones "{\"title\": \"v2\"}" >m &&
	test "$(fakegh_status)" = 422 &&
	fakegh_json "J.errors" m >out &&
	echo "{\"resource\": \"Milestone\", \"field\": \"title\", \"code\": \"already_exists\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'list filters: creator, labels (all of them, any case), assignee, milestone' '
	fakegh_ctl seed "{\"repo\": \"o/f\", \"assignable\": [\"alice\"], \"milestones\": [{\"title\": \"m\"}],
		\"issues\": [{\"title\": \"a\", \"user\": \"bob\", \"labels\": [\"bug\"], \"assignees\": [\"alice\"], \"milestone\": 1},
			{\"title\": \"b\", \"labels\": [\"BUG\", \"ui\"]}, {\"title\": \"c\"}]}" >/dev/null &&
	for q in creator=bob creator=test-user labels=Bug labels=bug,UI assignee=alice \
		assignee=none "assignee=*" milestone=1 milestone=none "milestone=*"
	do
		echo "$q $(fakegh_api GET "/repos/o/f/issues?sort=created&direction=asc&$q" |
			fakegh_json "\" \".join(i.title for i in J)")" || return 1
	done >out &&
	cat >expect <<-\EOF &&
	creator=bob a
	creator=test-user b c
	labels=Bug a b
	labels=bug,UI b
	assignee=alice a
	assignee=none b c
	assignee=* a
	milestone=1 a
	milestone=none b c
	milestone=* a
	EOF
	test_cmp expect out &&
	fakegh_api GET "/repos/o/f/issues?since=yesterday" >bad &&
	test "$(fakegh_status)" = 422 &&
	test "$(fakegh_json J.errors[0].field bad)" = since
'

test_expect_success 'a repository with issues disabled: POST is a 410' '
	fakegh_ctl seed "{\"repo\": \"o/off\", \"issues_enabled\": false}" >/dev/null &&
	fakegh_api POST /repos/o/off/issues "{\"title\": \"x\"}" >b &&
	test "$(fakegh_status)" = 410 &&
	test "$(fakegh_json J.message b)" = "Issues are disabled for this repo"
'

# patch <json>: PATCH issue 254, the answer in "patched"
patch () {
	fakegh_api PATCH /repos/o/r/issues/254 "$1" >patched &&
	test "$(fakegh_status)" = 200
}

test_expect_success 'PATCH: only the keys given change; labels and assignees replace; [] and null clear' '
	fakegh_api GET /repos/o/r/issues/254 >before &&
	patch "{\"title\": \"Renamed\"}" &&
	fakegh_json "J.title, J.body, [l.name for l in J.labels], J.updated_at > \"$(fakegh_json J.updated_at before)\"" patched >out &&
	printf "%s\n" Renamed null "[\"bug\", \"Feature\"]" true >expect &&
	test_cmp expect out &&
	patch "{\"labels\": [\"FEATURE\", \"docs\"], \"assignees\": [\"alice\"], \"milestone\": 1, \"body\": \"text\"}" &&
	fakegh_json "[l.name for l in J.labels], [a.login for a in J.assignees], J.milestone.number, J.body, J.title" patched >out &&
	printf "%s\n" "[\"docs\", \"Feature\"]" "[\"alice\"]" 1 text Renamed >expect &&
	test_cmp expect out &&
	patch "{\"labels\": [], \"assignees\": [], \"milestone\": null, \"body\": null}" &&
	fakegh_json "J.labels, J.assignees, J.assignee, J.milestone, J.body, J.title" patched >out &&
	printf "%s\n" "[]" "[]" null null null Renamed >expect &&
	test_cmp expect out
'

test_expect_success 'PATCH: state and state_reason; closed_at set and cleared' '
	patch "{\"state\": \"closed\", \"state_reason\": \"not_planned\"}" &&
	fakegh_json "J.state, J.state_reason, J.closed_at == J.updated_at" patched >out &&
	printf "closed\nnot_planned\ntrue\n" >expect &&
	test_cmp expect out &&
	patch "{\"state\": \"open\"}" &&
	fakegh_json "J.state, J.state_reason, J.closed_at" patched >out &&
	printf "open\nreopened\nnull\n" >expect &&
	test_cmp expect out &&
	patch "{\"state\": \"closed\"}" &&
	fakegh_json "J.state, J.state_reason" patched >out &&
	printf "closed\ncompleted\n" >expect &&
	test_cmp expect out &&
	fakegh_api PATCH /repos/o/r/issues/254 "{\"state\": \"done\"}" >bad &&
	test "$(fakegh_status)" = 422 &&
	test "$(fakegh_json J.errors[0].field bad)" = state &&
	fakegh_api PATCH /repos/o/r/issues/254 "{\"state\": \"open\", \"state_reason\": \"not_planned\"}" >bad &&
	test "$(fakegh_status)" = 422 &&
	fakegh_api GET /repos/o/r/issues/254 >now &&
	test "$(fakegh_json J.state now)" = closed
'

test_expect_success 'PATCH: a change to nothing does not bump updated_at; If-Match is a 400' '
	fakegh_api GET /repos/o/r/issues/254 >before &&
	clock=$(fakegh_get clock) &&
	patch "{\"title\": \"Renamed\", \"labels\": [], \"state\": \"closed\"}" &&
	test "$(fakegh_json J.updated_at patched)" = "$(fakegh_json J.updated_at before)" &&
	test "$(fakegh_get clock)" = "$clock" &&
	etag=$(fakegh_header ETag) &&
	fakegh_api PATCH /repos/o/r/issues/254 "{\"title\": \"Lost\"}" -H "If-Match: \"abc\"" >bad &&
	test "$(fakegh_status)" = 400 &&
	test "$(fakegh_json J.message bad)" = "Conditional request headers are not allowed in unsafe requests unless supported by the endpoint" &&
	fakegh_api GET /repos/o/r/issues/254 >after &&
	test "$(fakegh_json J.title after)" = Renamed
'

test_expect_success 'without push access, labels, assignees and milestone are dropped silently' '
	fakegh_ctl options "{\"push_access\": false}" >/dev/null &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"t\", \"labels\": [\"x\"], \"assignees\": [\"alice\"], \"milestone\": 1}" >np &&
	test "$(fakegh_status)" = 201 &&
	n=$(fakegh_json J.number np) &&
	fakegh_api PATCH /repos/o/r/issues/$n "{\"title\": \"t2\", \"labels\": [\"y\"], \"milestone\": 99}" >np2 &&
	test "$(fakegh_status)" = 200 &&
	fakegh_ctl options "{\"push_access\": true}" >/dev/null &&
	fakegh_json "J.title, J.labels, J.assignees, J.milestone" np2 >out &&
	printf "%s\n" t2 "[]" "[]" null >expect &&
	test_cmp expect out &&
	fakegh_api GET /repos/o/r/labels/y >/dev/null &&
	test "$(fakegh_status)" = 404
'

test_expect_success 'deleted: 410; transferred: 301 to /repositories/{id}/issues/{n}' '
	fakegh_ctl delete "{\"number\": 11}" >/dev/null &&
	fakegh_api GET /repos/o/r/issues/11 >gone &&
	test "$(fakegh_status)" = 410 &&
	test "$(fakegh_json J.message gone)" = "This issue was deleted" &&
	fakegh_api PATCH /repos/o/r/issues/11 "{\"title\": \"x\"}" >/dev/null &&
	test "$(fakegh_status)" = 410 &&
	test_must_fail fakegh_ctl transfer "{\"number\": 12}" >err &&
	grep KeyError err &&
	fakegh_ctl transfer "{\"number\": 12, \"to\": \"other/place\"}" >moved &&
	fakegh_json "J.repo, J.number" moved >out &&
	printf "other/place\n1\n" >expect &&
	test_cmp expect out &&
	fakegh_api GET /repos/o/r/issues/12 >/dev/null &&
	test "$(fakegh_status)" = 301 &&
	loc=$(fakegh_header Location) &&
	test "$loc" = "$(fakegh_json J.location moved)" &&
	id=$(fakegh_api GET /repos/other/place | fakegh_json J.id) &&
	test "$loc" = "$FAKEGH_URL/repositories/$id/issues/1" &&
	fakegh_api GET "$loc" >there &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_json J.title there)" = "Issue 12" &&
	fakegh_api GET "/repos/o/r/issues?state=all&per_page=100&page=3" >p3 &&
	fakegh_json "[i.number for i in J if i.number in (11, 12)]" p3 >out &&
	test_must_be_empty out
'

test_expect_success 'auth: no or a wrong token is a 401, no User-Agent a 403, another API version a 400' '
	curl -sS -A t "$FAKEGH_URL/repos/o/r/issues" -D h -o b -w "%{http_code}\n" >code &&
	echo 401 >expect && test_cmp expect code &&
	test "$(fakegh_json J.message b)" = "Bad credentials" &&
	grep -i "^x-ratelimit-remaining: " h &&
	curl -sS -A t -H "Authorization: Bearer wrong" "$FAKEGH_URL/repos/o/r/issues" -o b -w "%{http_code}\n" >code &&
	test_cmp expect code &&
	curl -sS -A t -H "Authorization: token test-token" "$FAKEGH_URL/repos/o/r/issues" -o b -w "%{http_code}\n" >code &&
	echo 200 >expect && test_cmp expect code &&
	curl -sS -H "User-Agent:" -H "Authorization: token test-token" "$FAKEGH_URL/repos/o/r/issues" -o b -w "%{http_code}\n" >code &&
	echo 403 >expect && test_cmp expect code &&
	curl -sS -A t -H "Authorization: token test-token" -H "X-GitHub-Api-Version: 2099-01-01" "$FAKEGH_URL/repos/o/r/issues" -o b -w "%{http_code}\n" >code &&
	echo 400 >expect && test_cmp expect code &&
	test "$(fakegh_log_count GET "" 401)" = 2 &&
	fakegh_get "log?status=401" >log &&
	fakegh_json "[e.authorized for e in J]" log >out &&
	printf "false\nfalse\n" >expect &&
	test_cmp expect out &&
	! grep -e test-token -e wrong "$FAKEGH_STATE" &&
	! grep -i authorization "$FAKEGH_STATE"
'

test_expect_success 'faults: a secondary limit, with and without Retry-After' '
	fakegh_ctl fault "{\"kind\": \"secondary\", \"retry_after\": 7}" &&
	fakegh_ctl fault "{\"kind\": \"secondary\"}" &&
	fakegh_api GET /repos/o/r/issues/1 >b &&
	test "$(fakegh_status)" = 403 &&
	test "$(fakegh_header Retry-After)" = 7 &&
	fakegh_json J.message b | grep "secondary rate limit" &&
	fakegh_api GET /repos/o/r/issues/1 >b &&
	test "$(fakegh_status)" = 403 &&
	test -z "$(fakegh_header Retry-After)" &&
	fakegh_json J.message b | grep "secondary rate limit" &&
	fakegh_api GET /repos/o/r/issues/1 >b &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_log_count GET "/issues/1\$" 403)" = 2
'

test_expect_success 'faults: a primary limit says remaining 0 and when it resets' '
	fakegh_ctl fault "{\"kind\": \"primary\", \"reset_in\": 30}" &&
	now=$(date +%s) &&
	fakegh_api GET /repos/o/r/issues/1 >b &&
	test "$(fakegh_status)" = 403 &&
	test "$(fakegh_header x-ratelimit-remaining)" = 0 &&
	reset=$(fakegh_header x-ratelimit-reset) &&
	test $reset -ge $((now + 29)) && test $reset -le $((now + 32)) &&
	fakegh_json J.message b | grep "^API rate limit exceeded" &&
	fakegh_api GET /repos/o/r/issues/1 >b &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_header x-ratelimit-remaining)" -gt 0
'

test_expect_success 'the primary limit itself: at rate_limit requests used, a 403 until the reset' '
	fakegh_ctl options "{\"rate_limit\": 3}" >/dev/null &&
	fakegh_ctl rate "{\"used\": 0}" >/dev/null &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_header x-ratelimit-remaining)" = 2 &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_header x-ratelimit-remaining)" = 0 &&
	test "$(fakegh_status)" = 200 &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_status)" = 403 &&
	fakegh_ctl rate "{\"reset_in\": 0}" >/dev/null &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_status)" = 200 &&
	test "$(fakegh_header x-ratelimit-used)" = 1 &&
	fakegh_ctl options "{\"rate_limit\": 5000}" >/dev/null
'

test_expect_success 'faults: status, matched by method and path, after N, times N' '
	fakegh_ctl fault "{\"kind\": \"status\", \"status\": 502, \"body\": {\"message\": \"Bad Gateway\"}, \"method\": \"POST\", \"path\": \"^/repos/o/r/issues\$\"}" &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_status)" = 200 &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"never\"}" >b &&
	test "$(fakegh_status)" = 502 &&
	test "$(fakegh_json J.message b)" = "Bad Gateway" &&
	fakegh_api GET "/repos/o/r/issues?creator=test-user&sort=created&per_page=1" >last &&
	test "$(fakegh_json J[0].title last)" != never &&
	fakegh_ctl fault "{\"kind\": \"status\", \"status\": 500, \"after\": 2, \"times\": 2}" &&
	for i in 1 2 3 4 5
	do
		fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
		fakegh_status || return 1
	done >codes &&
	printf "200\n200\n500\n500\n200\n" >expect &&
	test_cmp expect codes &&
	fakegh_get fault >faults &&
	test "$(fakegh_json "len(J)" faults)" = 0
'

test_expect_success 'faults: slow answers late; drop_conn cuts the body short' '
	fakegh_ctl fault "{\"kind\": \"slow\", \"seconds\": 3}" &&
	{ fakegh_api GET /repos/o/r/issues/1 "" --max-time 1 >/dev/null; echo $? >rc; } &&
	echo 28 >expect && test_cmp expect rc &&
	fakegh_ctl fault "{\"kind\": \"drop_conn\"}" &&
	{ fakegh_api GET /repos/o/r/issues/1 >/dev/null; echo $? >rc; } &&
	echo 18 >expect && test_cmp expect rc &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	test "$(fakegh_status)" = 200 &&
	fakegh_get "log?path=/issues/1\$" >log &&
	fakegh_json "[e.fault for e in J[-3:]]" log >out &&
	printf "slow\ndrop_conn\nnull\n" >expect &&
	test_cmp expect out
'

test_expect_success 'faults: edit changes an issue as a request comes (the offset-paging race)' '
	fakegh_ctl seed "{\"repo\": \"o/walk\", \"generate\": {\"count\": 7}}" >walk &&
	id=$(fakegh_json J.id walk) &&
	fakegh_ctl fault "{\"kind\": \"edit\", \"path\": \"^/repositories/$id/issues.*page=2\",
		\"edit\": {\"repo\": \"o/walk\", \"number\": 2, \"title\": \"edited mid-walk\"}}" &&
	url="/repos/o/walk/issues?state=all&sort=updated&direction=asc&per_page=3" &&
	while test -n "$url"
	do
		fakegh_api GET "$url" >page &&
		fakegh_json "[i.number for i in J]" page &&
		url=$(fakegh_header Link | link_of next) || return 1
	done >seen &&
	printf "%s\n" 1 2 3 5 6 7 2 >expect &&
	test_cmp expect seen &&
	test "$(fakegh_json "J[0].title" page)" = "edited mid-walk"
'

test_expect_success 'seed: generated issues can share one updated_at' '
	fakegh_ctl seed "{\"repo\": \"o/ties\", \"generate\": {\"count\": 150, \"updated_at\": \"2025-05-05T05:05:05Z\"}}" >/dev/null &&
	fakegh_api GET "/repos/o/ties/issues?state=all&sort=updated&direction=asc&per_page=100&since=2025-05-05T05:05:05Z" >ties &&
	fakegh_json "len(J), J[0].number, J[99].number, len(set(i.updated_at for i in J))" ties >out &&
	printf "100\n1\n100\n1\n" >expect &&
	test_cmp expect out &&
	fakegh_header Link | link_of last >last &&
	grep "page=2\$" last
'

test_expect_success 'faults: die kills the server before it answers; a restart keeps issues and log' '
	fakegh_ctl fault "{\"kind\": \"die\", \"path\": \"/issues/2\$\"}" &&
	fakegh_api GET /repos/o/r/issues/1 >/dev/null &&
	{ fakegh_api GET /repos/o/r/issues/2 >/dev/null; echo $? >rc; } &&
	grep -E "^(52|56)\$" rc &&
	fakegh_wait_gone 5 &&
	fakegh_json "J.log[-1].path, J.log[-1].status, J.log[-1].fault" "$FAKEGH_STATE" >out &&
	printf "/repos/o/r/issues/2\nnull\ndie\n" >expect &&
	test_cmp expect out &&
	port=$FAKEGH_PORT &&
	fakegh_restart &&
	test "$FAKEGH_PORT" = "$port" &&
	fakegh_api GET /repos/o/r/issues/254 >i &&
	test "$(fakegh_json J.title i)" = Renamed &&
	test "$(fakegh_log_count GET "/issues/2\$" null)" = 1 &&
	fakegh_api GET /repos/o/r/issues/2 >/dev/null &&
	test "$(fakegh_status)" = 200
'

test_expect_success 'faults: die_after_apply creates the issue, then dies without an answer' '
	fakegh_ctl fault "{\"kind\": \"die_after_apply\", \"method\": \"POST\"}" &&
	{ fakegh_api POST /repos/o/r/issues "{\"title\": \"lost reply\"}" >out; echo $? >rc; } &&
	grep -E "^(52|56)\$" rc &&
	test_must_be_empty out &&
	fakegh_wait_gone 5 &&
	fakegh_restart &&
	fakegh_api GET "/repos/o/r/issues?creator=test-user&sort=created&direction=desc&per_page=5" >mine &&
	fakegh_json "[i.title for i in J if i.title == \"lost reply\"]" mine >out &&
	echo "lost reply" >expect &&
	test_cmp expect out &&
	fakegh_get "log?method=POST" >log &&
	fakegh_json "J[-1].status, J[-1].replied, J[-1].fault" log >out &&
	printf "201\nfalse\ndie_after_apply\n" >expect &&
	test_cmp expect out
'

test_expect_success 'SIGTERM saves; the restarted clock carries on' '
	clock=$(fakegh_get clock | fakegh_json J.epoch) &&
	fakegh_stop &&
	fakegh_restart &&
	test "$(fakegh_get clock | fakegh_json J.epoch)" = "$clock" &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"after\"}" >a &&
	test "$(fakegh_json J.created_at a)" = "$(python3 -c "import time, sys; print(time.strftime(\"%Y-%m-%dT%H:%M:%SZ\", time.gmtime($clock + 1)))")"
'

test_expect_success 'the log: summary counts by method, status and route; DELETE clears it' '
	fakegh_get "log?summary=1" >sum &&
	test "$(fakegh_json J.count sum)" = "$(fakegh_log_count)" &&
	test "$(fakegh_json J.by_method.POST sum)" = "$(fakegh_log_count POST)" &&
	test "$(fakegh_json "J.by_status[\"201\"]" sum)" = "$(fakegh_log_count "" "" 201)" &&
	test "$(fakegh_json "J.by_route[\"GET /repos/o/r/issues\"]" sum)" = "$(fakegh_log_count GET "^/repos/o/r/issues(\?|\$)")" &&
	curl -sS -X DELETE "$FAKEGH_URL/_fake/log" >/dev/null &&
	test "$(fakegh_log_count)" = 0 &&
	fakegh_ctl clock "{\"advance\": 10}" >/dev/null &&
	test "$(fakegh_log_count)" = 0 &&
	fakegh_api GET /user >u &&
	test "$(fakegh_json J.login u)" = test-user &&
	fakegh_get log >log &&
	fakegh_json "[(e.method, e.path, e.status, e.authorized, e.headers[\"X-GitHub-Api-Version\"]) for e in J]" log >out &&
	echo "[\"GET\", \"/user\", 200, true, \"2022-11-28\"]" >expect &&
	test_cmp expect out
'

test_expect_success 'reset empties everything' '
	fakegh_ctl reset >/dev/null &&
	fakegh_api GET "/repos/o/r/issues?state=all" >all &&
	test "$(fakegh_json "len(J)" all)" = 0 &&
	fakegh_api POST /repos/o/r/issues "{\"title\": \"first\"}" >f &&
	fakegh_json "J.number, J.created_at" f >out &&
	printf "1\n2024-01-01T00:00:01Z\n" >expect &&
	test_cmp expect out
'

test_expect_success 'idle exit: gone after --idle-exit seconds without a request, state saved' '
	fakegh_stop &&
	FAKEGH_STATE=$PWD/idle/state.json &&
	fakegh_start --idle-exit 2 &&
	fakegh_api GET /user >/dev/null &&
	sleep 0.5 &&
	fakegh_api GET /user >/dev/null &&
	sleep 0.5 &&
	fakegh_alive &&
	fakegh_wait_gone 5 &&
	test "$(fakegh_json "len(J.log)" "$FAKEGH_STATE")" = 2
'

test_expect_success 'max life: gone after --max-life seconds however busy' '
	fakegh_start --idle-exit 0 --max-life 2 &&
	for i in 1 2 3 4 5 6 7 8 9 10
	do
		fakegh_api GET /user >/dev/null 2>&1 || break
		sleep 0.5
	done &&
	test $i -lt 10 &&
	fakegh_wait_gone 3
'

test_done
