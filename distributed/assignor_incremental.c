/**
 * @file assignor_incremental.c
 * @brief IncrementalCooperativeAssignor (sub-protocols "compatible" and
 *        "sessioned", KIP-415) as in Apache Kafka 4.3, plus the assignor
 *        object and the CONFIG_MISMATCH check shared with the eager assignor.
 *
 * Each round derives, from the leader's previous assignment, the configured
 * work and the work the members report in their metadata: deleted, duplicated,
 * lost and created sets. Deleted and duplicated work is revoked; lost work is
 * reassigned at once when every previous member is still there (or
 * scheduled.rebalance.max.delay.ms is 0), otherwise after a scheduled delay,
 * preferring workers that came back empty; load-balancing revocations keep
 * each worker at floor/ceil of the average, with an exponential backoff
 * (ExponentialBackoff(1, 40, maxDelay, 0)) between consecutive revoking
 * rounds; new work goes to the least loaded workers. Each member receives its
 * delta only. Iteration orders follow Java's HashMap/HashSet/LinkedHashSet
 * (java_order.h) so that the same inputs give the same assignments as Java.
 */
#include "assignor_internal.h"
#include "java_order.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* small collections                                                   */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void str_list_add(cd_str_list_t *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **items = realloc(l->items, cap * sizeof(*items));
        if (!items)
            abort();
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = xstrdup(s);
}

static bool str_list_contains(const cd_str_list_t *l, const char *s)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

static void str_list_clear(cd_str_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* LinkedHashSet.add */
static void wl_add_unique(cd_work_list_t *l, const char *c, int32_t t)
{
    if (!cd_work_list_contains(l, c, t))
        cd_work_list_add(l, c, t);
}

static void wl_add_all_unique(cd_work_list_t *l, const cd_work_list_t *src)
{
    for (size_t i = 0; i < src->count; i++)
        wl_add_unique(l, src->items[i].connector, src->items[i].task);
}

/* Collection.removeAll */
static void wl_remove_all(cd_work_list_t *l, const cd_work_list_t *rm)
{
    size_t o = 0;
    for (size_t i = 0; i < l->count; i++) {
        if (cd_work_list_contains(rm, l->items[i].connector, l->items[i].task)) {
            free(l->items[i].connector);
            continue;
        }
        l->items[o++] = l->items[i];
    }
    l->count = o;
}

static void wl_copy(cd_work_list_t *dst, const cd_work_list_t *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < src->count; i++)
        cd_work_list_add(dst, src->items[i].connector, src->items[i].task);
}

static size_t wl_count(const cd_work_list_t *l, bool connectors)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        if ((l->items[i].task == -1) == connectors)
            n++;
    return n;
}

/* diff(base, subs...) of ConnectorsAndTasks: TreeSet order, i.e. sorted */
static void wl_diff(cd_work_list_t *out, const cd_work_list_t *base, const cd_work_list_t *a,
                    const cd_work_list_t *b)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < base->count; i++) {
        const cd_work_id_t *w = &base->items[i];
        if (cd_work_list_contains(a, w->connector, w->task))
            continue;
        if (b && cd_work_list_contains(b, w->connector, w->task))
            continue;
        wl_add_unique(out, w->connector, w->task);
    }
    cd_work_list_sort(out);
}

/* new HashSet<>(src part) retainAll(keep), in Java hash order; appended to out (unique) */
static void wl_intersection_hash_order(cd_work_list_t *out, const cd_work_list_t *src,
                                       const cd_work_list_t *keep, bool connectors)
{
    size_t n = wl_count(src, connectors);
    if (n == 0)
        return;
    int32_t *hashes = malloc(n * sizeof(*hashes));
    size_t *idx = malloc(n * sizeof(*idx));
    size_t *perm = malloc(n * sizeof(*perm));
    if (!hashes || !idx || !perm)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < src->count; i++) {
        const cd_work_id_t *w = &src->items[i];
        if ((w->task == -1) != connectors)
            continue;
        idx[k] = i;
        hashes[k] = connectors ? cd_java_string_hash(w->connector)
                               : cd_java_task_hash(w->connector, w->task);
        k++;
    }
    cd_java_hash_order(hashes, n, cd_java_cap_copy(n), perm);
    for (size_t j = 0; j < n; j++) {
        const cd_work_id_t *w = &src->items[idx[perm[j]]];
        if (cd_work_list_contains(keep, w->connector, w->task))
            wl_add_unique(out, w->connector, w->task);
    }
    free(hashes);
    free(idx);
    free(perm);
}

/* ------------------------------------------------------------------ */
/* worker loads                                                        */

typedef struct wload_s {
    const char *worker;
    size_t member;        /* index into members / out */
    cd_work_list_t conns; /* task == -1 */
    cd_work_list_t tasks; /* task >= 0 */
} wload_t;

static void split(const cd_work_list_t *all, cd_work_list_t *conns, cd_work_list_t *tasks)
{
    memset(conns, 0, sizeof(*conns));
    memset(tasks, 0, sizeof(*tasks));
    for (size_t i = 0; i < all->count; i++)
        wl_add_unique(all->items[i].task == -1 ? conns : tasks, all->items[i].connector,
                      all->items[i].task);
}

static int cmp_conn_load(const void *a, const void *b)
{
    const wload_t *x = a, *y = b;
    if (x->conns.count != y->conns.count)
        return x->conns.count < y->conns.count ? -1 : 1;
    return cd_java_string_compare(x->worker, y->worker);
}

static int cmp_task_load(const void *a, const void *b)
{
    const wload_t *x = a, *y = b;
    if (x->tasks.count != y->tasks.count)
        return x->tasks.count < y->tasks.count ? -1 : 1;
    return cd_java_string_compare(x->worker, y->worker);
}

/* List.sort is a stable merge sort; qsort is not, but the comparators are total
 * (member ids are unique), so the result is the same. */
static void assign_round(wload_t *w, size_t n, const cd_work_list_t *load, bool connectors)
{
    if (n == 0)
        return;
    qsort(w, n, sizeof(*w), connectors ? cmp_conn_load : cmp_task_load);
    size_t next = 0, total = load->count;
    /* `first` is the object at index 0 after the sort; it stays index 0 */
    while (next < total) {
        size_t first_load = connectors ? w[0].conns.count : w[0].tasks.count;
        size_t up_to = n;
        for (size_t i = 0; i < n; i++) {
            size_t sz = connectors ? w[i].conns.count : w[i].tasks.count;
            if (sz > first_load) {
                up_to = i;
                break;
            }
        }
        for (size_t i = 0; i < up_to && next < total; i++) {
            const cd_work_id_t *id = &load->items[next++];
            cd_work_list_add(connectors ? &w[i].conns : &w[i].tasks, id->connector, id->task);
        }
    }
}

/* loadBalancingRevocations for one resource kind; appends to revoke[member] */
static bool lb_revocations(wload_t *w, size_t n, size_t total, bool connectors,
                           cd_work_list_t *revoke)
{
    size_t min_per = total / n, extra = total % n;
    size_t at_min = 0, at_extra = 0;
    for (size_t i = 0; i < n; i++) {
        size_t sz = connectors ? w[i].conns.count : w[i].tasks.count;
        if (sz == min_per)
            at_min++;
        else if (sz == min_per + 1)
            at_extra++;
    }
    if (at_extra == extra && at_min + at_extra == n)
        return false;
    bool any = false;
    size_t allocated_extras = 0;
    for (size_t i = 0; i < n; i++) {
        const cd_work_list_t *cur = connectors ? &w[i].conns : &w[i].tasks;
        size_t sz = cur->count;
        if (sz <= min_per)
            continue;
        size_t max_for_worker;
        if (allocated_extras < extra) {
            allocated_extras++;
            if (sz == min_per + 1)
                continue;
            max_for_worker = min_per + 1;
        } else {
            max_for_worker = min_per;
        }
        any = true;
        for (size_t k = 0; sz - k > max_for_worker && k < cur->count; k++)
            wl_add_unique(&revoke[w[i].member], cur->items[k].connector, cur->items[k].task);
    }
    return any;
}

/* ExponentialBackoff(maxDelay == 0 ? 0 : 1, 40, maxDelay, 0).backoff(attempts) */
static int32_t revoking_backoff(int32_t max_delay, long attempts)
{
    long initial = max_delay == 0 ? 0 : 1;
    if (initial > max_delay)
        initial = max_delay;
    double exp_max =
        max_delay > initial ? log(max_delay / (double)(initial > 1 ? initial : 1)) / log(40.0) : 0;
    if (exp_max == 0)
        return (int32_t)initial;
    double e = (double)attempts < exp_max ? (double)attempts : exp_max;
    double term = (double)initial * pow(40.0, e);
    long v = (long)term;
    return (int32_t)(v < max_delay ? v : max_delay);
}

/* ------------------------------------------------------------------ */
/* the assignor object                                                 */

cd_assignor_t *cd_assignor_new(cd_connect_protocol_t protocol, int64_t max_delay_ms)
{
    cd_assignor_t *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->protocol = protocol;
    if (max_delay_ms < 0)
        max_delay_ms = 0;
    a->max_delay = max_delay_ms > INT32_MAX ? INT32_MAX : (int32_t)max_delay_ms;
    a->previous_generation = -1;
    return a;
}

void cd_assignor_destroy(cd_assignor_t *a)
{
    if (!a)
        return;
    cd_work_list_clear(&a->previous_assignment);
    cd_work_list_clear(&a->previous_revocation);
    str_list_clear(&a->candidates);
    str_list_clear(&a->previous_members);
    free(a);
}

void cd_assignor_reset(cd_assignor_t *a)
{
    cd_work_list_clear(&a->previous_assignment);
}

void cd_assignor_set_protocol(cd_assignor_t *a, cd_connect_protocol_t protocol)
{
    a->protocol = protocol;
}

void cd_assignor_check_generation(cd_assignor_t *a, int32_t last_completed_generation)
{
    if (a->previous_generation != last_completed_generation)
        cd_assignor_reset(a);
}

int64_t cd_assignor_max_offset(const cd_assignor_member_t *members, size_t member_count)
{
    int64_t max = -1;
    for (size_t i = 0; i < member_count; i++)
        if (i == 0 || members[i].metadata.config_offset > max)
            max = members[i].metadata.config_offset;
    return max;
}

const char *cd_assignor_leader_url(const char *leader_id, const cd_assignor_member_t *members,
                                   size_t member_count)
{
    for (size_t i = 0; i < member_count; i++)
        if (leader_id && members[i].member_id && strcmp(members[i].member_id, leader_id) == 0)
            return members[i].metadata.url ? members[i].metadata.url : "";
    return "";
}

void cd_assignor_fill_headers(cd_assignment_t *out, size_t member_count, int16_t version,
                              int16_t error, const char *leader_id, const char *leader_url,
                              int64_t offset, int32_t delay)
{
    for (size_t i = 0; i < member_count; i++) {
        out[i].version = version;
        out[i].error = error;
        out[i].leader = xstrdup(leader_id);
        out[i].leader_url = xstrdup(leader_url);
        out[i].config_offset = offset;
        out[i].delay_ms = delay;
    }
}

/* ------------------------------------------------------------------ */
/* handleLostAssignments                                               */

static void handle_lost(cd_assignor_t *a, const cd_work_list_t *lost, cd_work_list_t *to_reassign,
                        wload_t *w, size_t n, const size_t *order, int64_t now)
{
    if (lost->count == 0 && !a->revoked_in_previous) {
        str_list_clear(&a->candidates);
        a->scheduled_rebalance = 0;
        a->delay = 0;
        return;
    }
    bool all_previous_present = true;
    for (size_t i = 0; i < a->previous_members.count && all_previous_present; i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(w[j].worker, a->previous_members.items[i]) == 0;
        all_previous_present = found;
    }
    if (a->scheduled_rebalance <= 0 && all_previous_present) {
        wl_add_all_unique(to_reassign, lost);
        return;
    }
    if (a->max_delay == 0) {
        wl_add_all_unique(to_reassign, lost);
        return;
    }
    if (a->scheduled_rebalance > 0 && now >= a->scheduled_rebalance) {
        /* candidate workers still present, in candidate order */
        size_t *cand = malloc((n + 1) * sizeof(*cand));
        size_t nc = 0;
        if (!cand)
            abort();
        for (size_t i = 0; i < a->candidates.count; i++)
            for (size_t j = 0; j < n; j++)
                if (strcmp(w[j].worker, a->candidates.items[i]) == 0)
                    cand[nc++] = j;
        if (nc > 0) {
            size_t it = 0;
            for (size_t i = 0; i < lost->count; i++)
                if (lost->items[i].task == -1) {
                    cd_work_list_add(&w[cand[it]].conns, lost->items[i].connector, -1);
                    it = (it + 1) % nc;
                }
            it = 0;
            for (size_t i = 0; i < lost->count; i++)
                if (lost->items[i].task != -1) {
                    cd_work_list_add(&w[cand[it]].tasks, lost->items[i].connector,
                                     lost->items[i].task);
                    it = (it + 1) % nc;
                }
        } else {
            wl_add_all_unique(to_reassign, lost);
        }
        free(cand);
        str_list_clear(&a->candidates);
        a->scheduled_rebalance = 0;
        a->delay = 0;
        a->revoked_in_previous = false;
        return;
    }
    /* candidateWorkersForReassignment: the empty workers, as a HashSet (Collectors.toSet) */
    size_t ne = 0;
    for (size_t i = 0; i < n; i++)
        if (w[order[i]].conns.count == 0 && w[order[i]].tasks.count == 0)
            ne++;
    if (ne > 0) {
        int32_t *hashes = malloc(ne * sizeof(*hashes));
        size_t *idx = malloc(ne * sizeof(*idx));
        size_t *perm = malloc(ne * sizeof(*perm));
        if (!hashes || !idx || !perm)
            abort();
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const wload_t *x = &w[order[i]];
            if (x->conns.count == 0 && x->tasks.count == 0) {
                idx[k] = order[i];
                hashes[k++] = cd_java_string_hash(x->worker);
            }
        }
        cd_java_hash_order(hashes, ne, cd_java_cap_default(ne), perm);
        for (size_t j = 0; j < ne; j++)
            if (!str_list_contains(&a->candidates, w[idx[perm[j]]].worker))
                str_list_add(&a->candidates, w[idx[perm[j]]].worker);
        free(hashes);
        free(idx);
        free(perm);
    }
    if (now < a->scheduled_rebalance) {
        int64_t diff = a->scheduled_rebalance - now;
        a->delay = diff > 0 ? (int32_t)(diff < a->max_delay ? diff : a->max_delay) : 0;
    } else {
        a->delay = a->max_delay;
    }
    a->scheduled_rebalance = now + a->delay;
}

/* ------------------------------------------------------------------ */
/* performTaskAssignment                                               */

static void perform_task_assignment(cd_assignor_t *a, int32_t generation,
                                    const cd_assignor_config_t *config,
                                    const cd_assignor_member_t *members, size_t n, int64_t now,
                                    cd_assignment_t *out)
{
    /* member iteration order of Java's HashMap<memberId, ...> */
    size_t *order = malloc(n * sizeof(*order));
    int32_t *mh = malloc(n * sizeof(*mh));
    wload_t *w = calloc(n, sizeof(*w));
    cd_work_list_t *member_conns = calloc(n, sizeof(*member_conns));
    cd_work_list_t *member_tasks = calloc(n, sizeof(*member_tasks));
    cd_work_list_t *current_conns = calloc(n, sizeof(*current_conns));
    cd_work_list_t *current_tasks = calloc(n, sizeof(*current_tasks));
    cd_work_list_t *revoke = calloc(n, sizeof(*revoke)); /* toRevoke per member */
    cd_work_list_t *lb = calloc(n, sizeof(*lb));
    if (!order || !mh || !w || !member_conns || !member_tasks || !current_conns || !current_tasks ||
        !revoke || !lb)
        abort();
    for (size_t i = 0; i < n; i++)
        mh[i] = cd_java_string_hash(members[i].member_id);
    cd_java_hash_order(mh, n, cd_java_cap_default(n), order);

    /* configured (connectors sorted; tasks 0..count-1 of each) */
    cd_work_list_t configured = {0};
    for (size_t i = 0; i < config->count; i++) {
        wl_add_unique(&configured, config->connectors[i], -1);
        int tc = config->task_counts ? config->task_counts[i] : 0;
        for (int t = 0; t < tc; t++)
            wl_add_unique(&configured, config->connectors[i], t);
    }
    cd_work_list_sort(&configured);
    size_t configured_conns = wl_count(&configured, true);
    size_t configured_tasks = configured.count - configured_conns;

    /* memberAssignments and activeAssignments */
    cd_work_list_t active = {0};
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const cd_assignment_t *al = &members[i].metadata.allocation;
        if (members[i].metadata.has_allocation)
            split(&al->assigned, &member_conns[i], &member_tasks[i]);
    }
    for (size_t k = 0; k < n; k++)
        wl_add_all_unique(&active, &member_conns[order[k]]);
    for (size_t k = 0; k < n; k++)
        wl_add_all_unique(&active, &member_tasks[order[k]]);

    if (a->previous_revocation.count > 0) {
        bool still = false;
        for (size_t i = 0; i < a->previous_revocation.count && !still; i++)
            still = cd_work_list_contains(&active, a->previous_revocation.items[i].connector,
                                          a->previous_revocation.items[i].task);
        if (still) {
            cd_work_list_clear(&a->previous_assignment);
            wl_copy(&a->previous_assignment, &active);
        }
        cd_work_list_clear(&a->previous_revocation);
    }

    cd_work_list_t deleted, lost, created, duplicated = {0};
    wl_diff(&deleted, &a->previous_assignment, &configured, NULL);
    wl_diff(&lost, &a->previous_assignment, &active, &deleted);
    wl_diff(&created, &configured, &a->previous_assignment, &active);
    for (size_t i = 0; i < active.count; i++) {
        const cd_work_id_t *x = &active.items[i];
        int holders = 0;
        for (size_t m = 0; m < n; m++)
            if (cd_work_list_contains(x->task == -1 ? &member_conns[m] : &member_tasks[m],
                                      x->connector, x->task))
                holders++;
        if (holders > 1)
            cd_work_list_add(&duplicated, x->connector, x->task);
    }

    /* currentWorkerAssignment: the members' work minus the deleted */
    for (size_t i = 0; i < n; i++) {
        wl_copy(&current_conns[i], &member_conns[i]);
        wl_remove_all(&current_conns[i], &deleted);
        wl_copy(&current_tasks[i], &member_tasks[i]);
        wl_remove_all(&current_tasks[i], &deleted);
    }

    /* toRevoke: deleted then duplicated work each member runs (HashSet order) */
    cd_work_list_t *dup_rev = calloc(n, sizeof(*dup_rev));
    cd_work_list_t *del_rev = calloc(n, sizeof(*del_rev));
    if (!dup_rev || !del_rev)
        abort();
    for (size_t i = 0; i < n; i++) {
        wl_intersection_hash_order(&del_rev[i], &member_conns[i], &deleted, true);
        wl_intersection_hash_order(&del_rev[i], &member_tasks[i], &deleted, false);
        wl_intersection_hash_order(&dup_rev[i], &member_conns[i], &duplicated, true);
        wl_intersection_hash_order(&dup_rev[i], &member_tasks[i], &duplicated, false);
        /* Builder.addAll(connectors) then addTasks, per map: connectors of deleted first */
        for (size_t j = 0; j < del_rev[i].count; j++)
            if (del_rev[i].items[j].task == -1)
                wl_add_unique(&revoke[i], del_rev[i].items[j].connector, -1);
        for (size_t j = 0; j < del_rev[i].count; j++)
            if (del_rev[i].items[j].task != -1)
                wl_add_unique(&revoke[i], del_rev[i].items[j].connector, del_rev[i].items[j].task);
        wl_add_all_unique(&revoke[i], &dup_rev[i]);
    }

    /* nextWorkerAssignment, in member (HashMap) order */
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        w[k].worker = members[i].member_id;
        w[k].member = i;
        wl_copy(&w[k].conns, &member_conns[i]);
        wl_copy(&w[k].tasks, &member_tasks[i]);
        wl_remove_all(&w[k].conns, &del_rev[i]);
        wl_remove_all(&w[k].tasks, &del_rev[i]);
        wl_remove_all(&w[k].conns, &dup_rev[i]);
        wl_remove_all(&w[k].tasks, &dup_rev[i]);
    }
    size_t *identity = malloc(n * sizeof(*identity));
    if (!identity)
        abort();
    for (size_t k = 0; k < n; k++)
        identity[k] = k;

    cd_work_list_t lost_to_reassign = {0};
    handle_lost(a, &lost, &lost_to_reassign, w, n, identity, now);

    if (a->delay == 0) {
        bool all_empty = true;
        for (size_t k = 0; k < n; k++)
            if (w[k].conns.count || w[k].tasks.count)
                all_empty = false;
        bool any = false;
        if (!all_empty && configured.count > 0) {
            /* connectors first, then tasks, into per-worker LinkedHashSets */
            bool c_any = lb_revocations(w, n, configured_conns, true, lb);
            bool t_any = lb_revocations(w, n, configured_tasks, false, lb);
            any = c_any || t_any;
        }
        bool apply = false;
        if (a->revoked_in_previous && any) {
            a->num_successive_revoking++;
            a->delay = revoking_backoff(a->max_delay, a->num_successive_revoking);
            if (a->delay != 0)
                a->scheduled_rebalance = now + a->delay;
            else
                apply = true;
        } else if (any) {
            apply = true;
            a->revoked_in_previous = true;
        } else if (a->revoked_in_previous) {
            a->revoked_in_previous = false;
            a->num_successive_revoking = 0;
        }
        if (apply) {
            for (size_t k = 0; k < n; k++) {
                size_t i = w[k].member;
                for (size_t j = 0; j < lb[i].count; j++)
                    if (lb[i].items[j].task == -1)
                        wl_add_unique(&revoke[i], lb[i].items[j].connector, -1);
                for (size_t j = 0; j < lb[i].count; j++)
                    if (lb[i].items[j].task != -1)
                        wl_add_unique(&revoke[i], lb[i].items[j].connector, lb[i].items[j].task);
                wl_remove_all(&w[k].conns, &lb[i]);
                wl_remove_all(&w[k].tasks, &lb[i]);
            }
        }
    } else {
        a->revoked_in_previous = false;
    }

    /* toAssign = created + lost to reassign (LinkedHashSet) */
    cd_work_list_t assign_conns = {0}, assign_tasks = {0};
    for (size_t pass = 0; pass < 2; pass++) {
        const cd_work_list_t *src = pass == 0 ? &created : &lost_to_reassign;
        for (size_t i = 0; i < src->count; i++)
            wl_add_unique(src->items[i].task == -1 ? &assign_conns : &assign_tasks,
                          src->items[i].connector, src->items[i].task);
    }
    assign_round(w, n, &assign_conns, true);
    assign_round(w, n, &assign_tasks, false);

    /* previousAssignment = next - revoked + lost; previousRevocation += revoked */
    cd_work_list_t next_prev = {0};
    for (size_t k = 0; k < n; k++) {
        wl_add_all_unique(&next_prev, &w[k].conns);
        wl_add_all_unique(&next_prev, &w[k].tasks);
    }
    for (size_t i = 0; i < n; i++) {
        wl_remove_all(&next_prev, &revoke[i]);
        wl_add_all_unique(&a->previous_revocation, &revoke[i]);
    }
    wl_add_all_unique(&next_prev, &lost);
    cd_work_list_clear(&a->previous_assignment);
    a->previous_assignment = next_prev;
    a->previous_generation = generation;
    str_list_clear(&a->previous_members);
    for (size_t i = 0; i < n; i++)
        str_list_add(&a->previous_members, members[i].member_id);

    /* each member's delta: new = next - current (list order); revoked = toRevoke */
    for (size_t k = 0; k < n; k++) {
        size_t i = w[k].member;
        for (size_t j = 0; j < w[k].conns.count; j++)
            if (!cd_work_list_contains(&current_conns[i], w[k].conns.items[j].connector, -1))
                cd_work_list_add(&out[i].assigned, w[k].conns.items[j].connector, -1);
        for (size_t j = 0; j < w[k].tasks.count; j++)
            if (!cd_work_list_contains(&current_tasks[i], w[k].tasks.items[j].connector,
                                       w[k].tasks.items[j].task))
                cd_work_list_add(&out[i].assigned, w[k].tasks.items[j].connector,
                                 w[k].tasks.items[j].task);
        for (size_t j = 0; j < revoke[i].count; j++)
            if (revoke[i].items[j].task == -1)
                cd_work_list_add(&out[i].revoked, revoke[i].items[j].connector, -1);
        for (size_t j = 0; j < revoke[i].count; j++)
            if (revoke[i].items[j].task != -1)
                cd_work_list_add(&out[i].revoked, revoke[i].items[j].connector,
                                 revoke[i].items[j].task);
    }

    for (size_t i = 0; i < n; i++) {
        cd_work_list_clear(&w[i].conns);
        cd_work_list_clear(&w[i].tasks);
        cd_work_list_clear(&member_conns[i]);
        cd_work_list_clear(&member_tasks[i]);
        cd_work_list_clear(&current_conns[i]);
        cd_work_list_clear(&current_tasks[i]);
        cd_work_list_clear(&revoke[i]);
        cd_work_list_clear(&lb[i]);
        cd_work_list_clear(&dup_rev[i]);
        cd_work_list_clear(&del_rev[i]);
    }
    cd_work_list_clear(&configured);
    cd_work_list_clear(&active);
    cd_work_list_clear(&deleted);
    cd_work_list_clear(&lost);
    cd_work_list_clear(&created);
    cd_work_list_clear(&duplicated);
    cd_work_list_clear(&lost_to_reassign);
    cd_work_list_clear(&assign_conns);
    cd_work_list_clear(&assign_tasks);
    free(identity);
    free(dup_rev);
    free(del_rev);
    free(order);
    free(mh);
    free(w);
    free(member_conns);
    free(member_tasks);
    free(current_conns);
    free(current_tasks);
    free(revoke);
    free(lb);
}

int cd_assignor_assign(cd_assignor_t *a, const char *leader_id, int32_t generation,
                       const cd_assignor_config_t *config, const cd_assignor_member_t *members,
                       size_t member_count, int64_t now_ms, cd_assignment_t *out)
{
    for (size_t i = 0; i < member_count; i++)
        memset(&out[i], 0, sizeof(out[i]));
    if (member_count == 0)
        return 0;
    int64_t max_offset = cd_assignor_max_offset(members, member_count);
    const char *leader_url = cd_assignor_leader_url(leader_id, members, member_count);
    int16_t version = (int16_t)a->protocol;
    if (config->offset < max_offset) {
        cd_assignor_fill_headers(out, member_count, version, CD_ASSIGNMENT_CONFIG_MISMATCH,
                                 leader_id, leader_url, max_offset, 0);
        return 0;
    }
    /* ensureLeaderConfig: the (refreshed) snapshot is at or past every member */
    int64_t offset = config->offset;
    if (a->protocol == CD_CONNECT_PROTOCOL_EAGER) {
        cd_assignor_fill_headers(out, member_count, 0, CD_ASSIGNMENT_NO_ERROR, leader_id,
                                 leader_url, offset, 0);
        cd_assignor_eager_assign(config, members, member_count, out);
        return 0;
    }
    perform_task_assignment(a, generation, config, members, member_count, now_ms, out);
    cd_assignor_fill_headers(out, member_count, version, CD_ASSIGNMENT_NO_ERROR, leader_id,
                             leader_url, offset, a->delay);
    return 0;
}
