/* tui_data.c - the files around the TUI: hard prompt presets, the built-in
 * fallback sample set, directory listings for the picker, the XDG data
 * directory (training runs, exports), and loading soft prompts.
 *
 * Nothing here draws: every function returns data or an error, so missing
 * assets become a message in the UI, never a crash. */
#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tui_impl.h"

void tui_copy(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return;
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* do not cut a UTF-8 sequence */
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = 0;
}

const char *tui_basename(const char *path)
{
    if (!path || !*path)
        return "";
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *s = path + n;
    while (s > path && s[-1] != '/')
        s--;
    return s;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- presets ------------------------------------------------------------ */

static const char *json_str(const cJSON *o, const char *const *keys)
{
    for (; *keys; keys++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *keys);
        if (cJSON_IsString(v) && v->valuestring)
            return v->valuestring;
    }
    return NULL;
}


static char *trim_dup(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r' ||
                       s[len - 1] == '\t'))
        len--;
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = 0;
    }
    return out;
}

static struct tui_preset *add_preset(struct tui_preset *out, int *n, int cap, const char *name,
                                     const char *text, size_t len, const char *origin)
{
    if (*n >= cap || !pl_utf8_valid(text, len))
        return NULL;
    struct tui_preset *p = &out[*n];
    memset(p, 0, sizeof *p);
    if (!(p->text = trim_dup(text, len)) || !p->text[0]) {
        free(p->text);
        p->text = NULL;
        return NULL;
    }
    tui_copy(p->name, sizeof p->name, name);
    tui_copy(p->origin, sizeof p->origin, origin);
    (*n)++;
    return p;
}

/* The optional fields of a JSON preset. */
static void preset_extras(struct tui_preset *p, const cJSON *o)
{
    static const char *const note_keys[] = {"note", "description", NULL};
    static const char *const task_keys[] = {"task", NULL};
    static const char *const lang_keys[] = {"lang", "language", NULL};
    const char *v;
    if (!p)
        return;
    if ((v = json_str(o, note_keys)) && pl_utf8_valid(v, strlen(v)))
        tui_copy(p->note, sizeof p->note, v);
    if ((v = json_str(o, task_keys)) && pl_utf8_valid(v, strlen(v)))
        tui_copy(p->task, sizeof p->task, v);
    if ((v = json_str(o, lang_keys)) && pl_utf8_valid(v, strlen(v)))
        tui_copy(p->lang, sizeof p->lang, v);
}

static int presets_from_json(const char *path, const char *text, struct tui_preset *out, int *n,
                             int cap)
{
    static const char *const name_keys[] = {"name", "title", "id", NULL};
    static const char *const text_keys[] = {"template", "prompt", "hard", "text", NULL};
    int added = 0, lineno = 0;
    /* One JSON document (an array or {"presets": [...]}) or JSON lines. */
    cJSON *doc = cJSON_Parse(text);
    const cJSON *arr = doc;
    if (doc && cJSON_IsObject(doc))
        arr = cJSON_GetObjectItemCaseSensitive(doc, "presets");
    if (doc && cJSON_IsArray(arr)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, arr) {
            const char *t = json_str(it, text_keys), *nm = json_str(it, name_keys);
            char fallback[32];
            snprintf(fallback, sizeof fallback, "preset %d", added + 1);
            struct tui_preset *p =
                t ? add_preset(out, n, cap, nm ? nm : fallback, t, strlen(t), tui_basename(path)) : NULL;
            preset_extras(p, it);
            added += p != NULL;
        }
        cJSON_Delete(doc);
        return added;
    }
    cJSON_Delete(doc);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        lineno++;
        cJSON *o = cJSON_ParseWithLength(line, len);
        if (o) {
            const char *t = json_str(o, text_keys), *nm = json_str(o, name_keys);
            char fallback[32];
            snprintf(fallback, sizeof fallback, "line %d", lineno);
            struct tui_preset *p =
                t ? add_preset(out, n, cap, nm ? nm : fallback, t, strlen(t), tui_basename(path)) : NULL;
            preset_extras(p, o);
            added += p != NULL;
            cJSON_Delete(o);
        }
        line = end ? end + 1 : line + len;
    }
    return added;
}

int tui_presets_load(const char *dir, struct tui_preset *out, int *n, int cap)
{
    char **files = NULL;
    int nf = 0, added = 0;
    if (tui_list_paths(dir, NULL, false, NULL, &files, &nf))
        return 0;
    for (int i = 0; i < nf && *n < cap; i++) {
        const char *f = files[i];
        bool txt = ends_with(f, ".txt"), js = ends_with(f, ".json") || ends_with(f, ".jsonl");
        if (!txt && !js)
            continue;
        char *text = NULL;
        size_t len = 0;
        if (pl_read_file(f, &text, &len, NULL))
            continue;
        if (txt) {
            char name[96];
            tui_copy(name, sizeof name, tui_basename(f));
            char *dot = strrchr(name, '.');
            if (dot)
                *dot = 0;
            if (add_preset(out, n, cap, name, text, len, tui_basename(f)))
                added++;
        } else if (!strstr(f, "adapter_config") && !strstr(f, "promptlab.json")) {
            added += presets_from_json(f, text, out, n, cap);
        }
        free(text);
    }
    tui_paths_free(files, nf);
    return added;
}

void tui_presets_free(struct tui_preset *p, int n)
{
    for (int i = 0; i < n; i++) {
        free(p[i].text);
        p[i].text = NULL;
    }
}

void tui_samples_lang(const char *path, char *buf, size_t cap)
{
    buf[0] = 0;
    FILE *f = path && *path ? fopen(path, "r") : NULL;
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        cJSON *o = cJSON_Parse(line);
        if (!o)
            continue; /* a blank line, or a line too long for this peek */
        static const char *const keys[] = {"lang", "language", NULL};
        const char *v = json_str(o, keys);
        if (v)
            tui_copy(buf, cap, v);
        cJSON_Delete(o);
        break;
    }
    fclose(f);
}

/* ---- the built-in sample set -------------------------------------------- */

int tui_samples_builtin(struct jsonl_set *out, struct pl_err *e)
{
    /* A few everyday sentences and idioms so the views are never empty;
     * the shipped sets in assets/samples/ replace it. */
    static const char text[] =
        "{\"source\": \"The cat is sleeping.\", \"target\": \"Con mèo đang ngủ.\", \"tags\": [\"sentence\"]}\n"
        "{\"source\": \"I like green tea.\", \"target\": \"Tôi thích trà xanh.\", \"tags\": [\"sentence\"]}\n"
        "{\"source\": \"Where is the market?\", \"target\": \"Chợ ở đâu?\", \"tags\": [\"sentence\"]}\n"
        "{\"source\": \"We will go to Hanoi tomorrow.\", \"target\": \"Ngày mai chúng tôi sẽ đi Hà Nội.\", \"tags\": [\"sentence\"]}\n"
        "{\"source\": \"It's raining cats and dogs.\", \"target\": \"Trời mưa như trút nước.\", "
        "\"literal\": \"Trời đang mưa mèo và chó.\", \"tags\": [\"idiom\"]}\n"
        "{\"source\": \"Break a leg!\", \"target\": \"Chúc may mắn!\", "
        "\"literal\": \"Gãy một cái chân!\", \"tags\": [\"idiom\"]}\n";
    return jsonl_parse("built-in samples", text, sizeof text - 1, out, e);
}

/* ---- listings ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tui_list_paths(const char *dir, const char *ext, bool dirs, const char *marker, char ***out,
                   int *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return PL_EIO;
    char **v = NULL;
    int cnt = 0, cap = 0, rc = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        if (pl_path_join(path, sizeof path, dir, de->d_name))
            continue;
        if (dirs) {
            if (!is_dir(path))
                continue;
            if (marker) {
                char m[PATH_MAX];
                if (pl_path_join(m, sizeof m, path, marker) || access(m, R_OK))
                    continue;
            }
        } else {
            struct stat st;
            if (stat(path, &st) || !S_ISREG(st.st_mode) || (ext && !ends_with(de->d_name, ext)))
                continue;
        }
        if (cnt == cap) {
            cap = cap ? 2 * cap : 16;
            char **nv = realloc(v, sizeof *nv * (size_t)cap);
            if (!nv) {
                rc = PL_ENOMEM;
                break;
            }
            v = nv;
        }
        if (!(v[cnt] = strdup(path))) {
            rc = PL_ENOMEM;
            break;
        }
        cnt++;
    }
    closedir(d);
    if (rc) {
        tui_paths_free(v, cnt);
        return rc;
    }
    if (cnt > 1)
        qsort(v, (size_t)cnt, sizeof *v, cmp_str);
    *out = v;
    *n = cnt;
    return 0;
}

void tui_paths_free(char **p, int n)
{
    for (int i = 0; i < n; i++)
        free(p[i]);
    free(p);
}

/* ---- XDG directories, exports ------------------------------------------- */

int tui_data_home(const char *sub, char *buf, size_t cap, struct pl_err *e)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/promptlab/%s", xdg, sub);
    else
        n = snprintf(buf, cap, "%s/.local/share/promptlab/%s", home && *home ? home : ".", sub);
    if (n < 0 || (size_t)n >= cap)
        return pl_err_set(e, PL_ERANGE, "data directory path too long");
    return pl_mkdirs(buf, e);
}

int tui_export_path(const char *prefix, const char *ext, char *buf, size_t cap, struct pl_err *e)
{
    return tui_export_path_at(prefix, ext, 0, buf, cap, e);
}

int tui_export_path_at(const char *prefix, const char *ext, time_t at, char *buf, size_t cap,
                       struct pl_err *e)
{
    char dir[PATH_MAX];
    /* never the current directory: inside a source checkout exports would
     * become untracked files, and it may not be writable */
    if (tui_data_home("exports", dir, sizeof dir, e))
        return e ? e->code : PL_EIO;
    char stamp[32];
    time_t now = at ? at : time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    int n = snprintf(buf, cap, "%s/%s-%s%s", dir, prefix, stamp, ext);
    if (n < 0 || (size_t)n >= cap)
        return pl_err_set(e, PL_ERANGE, "export path too long");
    return 0;
}

void tui_short_path(const char *path, int cols, char *buf, size_t cap)
{
    const char *home = getenv("HOME");
    size_t hl = home ? strlen(home) : 0;
    char full[PATH_MAX + 2];
    if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
        snprintf(full, sizeof full, "~%s", path + hl);
    else
        snprintf(full, sizeof full, "%s", path);
    /* columns: one per code point (paths are rarely wide) */
    int width = 0;
    for (const char *c = full; *c; c++)
        width += ((unsigned char)*c & 0xc0) != 0x80;
    const char *tail = full;
    if (cols > 2 && width > cols) {
        int drop = width - (cols - 1); /* room for the ellipsis */
        while (*tail && drop > 0) {
            tail++;
            while (((unsigned char)*tail & 0xc0) == 0x80)
                tail++;
            drop--;
        }
        snprintf(buf, cap, "\xe2\x80\xa6%s", tail);
        return;
    }
    snprintf(buf, cap, "%s", full);
}

long long tui_path_bytes(const char *path)
{
    struct stat st;
    if (stat(path, &st))
        return -1;
    if (!S_ISDIR(st.st_mode))
        return (long long)st.st_size;
    char **files = NULL;
    int n = 0;
    if (tui_list_paths(path, NULL, false, NULL, &files, &n))
        return -1;
    long long sum = 0;
    for (int i = 0; i < n; i++)
        if (stat(files[i], &st) == 0)
            sum += (long long)st.st_size;
    tui_paths_free(files, n);
    return sum;
}

int tui_soft_load(const char *path, int d, struct tui_soft *s, struct pl_err *e)
{
    memset(s, 0, sizeof *s);
    struct soft_record rec;
    soft_record_init(&rec);
    int rc;
    if (ends_with(path, ".npy")) {
        rc = soft_import_npy(path, d, &s->p, e);
    } else {
        rc = soft_load(path, d, &s->p, &rec, e);
        s->has_initial = rc == 0 && rec.has_initial;
    }
    soft_record_free(&rec);
    if (rc)
        return rc;
    tui_copy(s->path, sizeof s->path, path);
    tui_copy(s->name, sizeof s->name, tui_basename(path));
    s->file_bytes = tui_path_bytes(path);
    s->version = 1;
    return 0;
}
