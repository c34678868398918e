/* widget_text.c - UTF-8 decoding, terminal-safe sanitising, display widths,
 * and fitting or slicing text to a number of columns.
 *
 * The one idea: every function here walks its input as a sequence of
 * "display units" produced by next_unit(): one input character (or invalid
 * sequence, or control) becomes the bytes that may safely reach the terminal
 * plus the columns they take. Sanitising concatenates units, widths add them
 * up, fitting and slicing pick whole units, so all of them agree on what a
 * string looks like. Column widths come from the built-in table below, not
 * from the process locale. */
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"

struct cp_range {
    uint32_t lo, hi;
};

/* Unicode 14 ranges, generated from the Unicode Character Database:
 * zero_width holds General_Category Mn, Me and Cf (without U+00AD and the
 * prepended concatenation marks, which show a glyph) plus the Hangul Jamo
 * medial vowels and final consonants (U+1160..U+11FF, U+D7B0..U+D7FF), which
 * combine with the preceding syllable; wide holds East_Asian_Width W and F
 * plus the CJK ideograph planes. Runs of unassigned code points between two
 * ranges of the same class are merged into them. */
static const struct cp_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC},
    {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
    {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x07FD, 0x07FD},
    {0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D},
    {0x0859, 0x085B}, {0x0898, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0902},
    {0x093A, 0x093A}, {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D},
    {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0981}, {0x09BC, 0x09BC},
    {0x09C1, 0x09C4}, {0x09CD, 0x09CD}, {0x09E2, 0x09E3}, {0x09FE, 0x0A02},
    {0x0A3C, 0x0A3C}, {0x0A41, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75},
    {0x0A81, 0x0A82}, {0x0ABC, 0x0ABC}, {0x0AC1, 0x0AC8}, {0x0ACD, 0x0ACD},
    {0x0AE2, 0x0AE3}, {0x0AFA, 0x0B01}, {0x0B3C, 0x0B3C}, {0x0B3F, 0x0B3F},
    {0x0B41, 0x0B44}, {0x0B4D, 0x0B56}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82},
    {0x0BC0, 0x0BC0}, {0x0BCD, 0x0BCD}, {0x0C00, 0x0C00}, {0x0C04, 0x0C04},
    {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C40}, {0x0C46, 0x0C56}, {0x0C62, 0x0C63},
    {0x0C81, 0x0C81}, {0x0CBC, 0x0CBC}, {0x0CBF, 0x0CBF}, {0x0CC6, 0x0CC6},
    {0x0CCC, 0x0CCD}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D01}, {0x0D3B, 0x0D3C},
    {0x0D41, 0x0D44}, {0x0D4D, 0x0D4D}, {0x0D62, 0x0D63}, {0x0D81, 0x0D81},
    {0x0DCA, 0x0DCA}, {0x0DD2, 0x0DD6}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECD},
    {0x0F18, 0x0F19}, {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39},
    {0x0F71, 0x0F7E}, {0x0F80, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0FBC},
    {0x0FC6, 0x0FC6}, {0x102D, 0x1030}, {0x1032, 0x1037}, {0x1039, 0x103A},
    {0x103D, 0x103E}, {0x1058, 0x1059}, {0x105E, 0x1060}, {0x1071, 0x1074},
    {0x1082, 0x1082}, {0x1085, 0x1086}, {0x108D, 0x108D}, {0x109D, 0x109D},
    {0x1160, 0x11FF}, {0x135D, 0x135F}, {0x1712, 0x1714}, {0x1732, 0x1733},
    {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17B5}, {0x17B7, 0x17BD},
    {0x17C6, 0x17C6}, {0x17C9, 0x17D3}, {0x17DD, 0x17DD}, {0x180B, 0x180F},
    {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x1920, 0x1922}, {0x1927, 0x1928},
    {0x1932, 0x1932}, {0x1939, 0x193B}, {0x1A17, 0x1A18}, {0x1A1B, 0x1A1B},
    {0x1A56, 0x1A56}, {0x1A58, 0x1A60}, {0x1A62, 0x1A62}, {0x1A65, 0x1A6C},
    {0x1A73, 0x1A7F}, {0x1AB0, 0x1B03}, {0x1B34, 0x1B34}, {0x1B36, 0x1B3A},
    {0x1B3C, 0x1B3C}, {0x1B42, 0x1B42}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B81},
    {0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9}, {0x1BAB, 0x1BAD}, {0x1BE6, 0x1BE6},
    {0x1BE8, 0x1BE9}, {0x1BED, 0x1BED}, {0x1BEF, 0x1BF1}, {0x1C2C, 0x1C33},
    {0x1C36, 0x1C37}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8},
    {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF8, 0x1CF9}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F}, {0x20D0, 0x20F0},
    {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF}, {0x302A, 0x302D},
    {0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F},
    {0xA6F0, 0xA6F1}, {0xA802, 0xA802}, {0xA806, 0xA806}, {0xA80B, 0xA80B},
    {0xA825, 0xA826}, {0xA82C, 0xA82C}, {0xA8C4, 0xA8C5}, {0xA8E0, 0xA8F1},
    {0xA8FF, 0xA8FF}, {0xA926, 0xA92D}, {0xA947, 0xA951}, {0xA980, 0xA982},
    {0xA9B3, 0xA9B3}, {0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD}, {0xA9E5, 0xA9E5},
    {0xAA29, 0xAA2E}, {0xAA31, 0xAA32}, {0xAA35, 0xAA36}, {0xAA43, 0xAA43},
    {0xAA4C, 0xAA4C}, {0xAA7C, 0xAA7C}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4},
    {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAAEC, 0xAAED},
    {0xAAF6, 0xAAF6}, {0xABE5, 0xABE5}, {0xABE8, 0xABE8}, {0xABED, 0xABED},
    {0xD7B0, 0xD7FF}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x101FD, 0x101FD}, {0x102E0, 0x102E0},
    {0x10376, 0x1037A}, {0x10A01, 0x10A0F}, {0x10A38, 0x10A3F},
    {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11001, 0x11001},
    {0x11038, 0x11046}, {0x11070, 0x11070}, {0x11073, 0x11074},
    {0x1107F, 0x11081}, {0x110B3, 0x110B6}, {0x110B9, 0x110BA},
    {0x110C2, 0x110C2}, {0x11100, 0x11102}, {0x11127, 0x1112B},
    {0x1112D, 0x11134}, {0x11173, 0x11173}, {0x11180, 0x11181},
    {0x111B6, 0x111BE}, {0x111C9, 0x111CC}, {0x111CF, 0x111CF},
    {0x1122F, 0x11231}, {0x11234, 0x11234}, {0x11236, 0x11237},
    {0x1123E, 0x1123E}, {0x112DF, 0x112DF}, {0x112E3, 0x112EA},
    {0x11300, 0x11301}, {0x1133B, 0x1133C}, {0x11340, 0x11340},
    {0x11366, 0x11374}, {0x11438, 0x1143F}, {0x11442, 0x11444},
    {0x11446, 0x11446}, {0x1145E, 0x1145E}, {0x114B3, 0x114B8},
    {0x114BA, 0x114BA}, {0x114BF, 0x114C0}, {0x114C2, 0x114C3},
    {0x115B2, 0x115B5}, {0x115BC, 0x115BD}, {0x115BF, 0x115C0},
    {0x115DC, 0x115DD}, {0x11633, 0x1163A}, {0x1163D, 0x1163D},
    {0x1163F, 0x11640}, {0x116AB, 0x116AB}, {0x116AD, 0x116AD},
    {0x116B0, 0x116B5}, {0x116B7, 0x116B7}, {0x1171D, 0x1171F},
    {0x11722, 0x11725}, {0x11727, 0x1172B}, {0x1182F, 0x11837},
    {0x11839, 0x1183A}, {0x1193B, 0x1193C}, {0x1193E, 0x1193E},
    {0x11943, 0x11943}, {0x119D4, 0x119DB}, {0x119E0, 0x119E0},
    {0x11A01, 0x11A0A}, {0x11A33, 0x11A38}, {0x11A3B, 0x11A3E},
    {0x11A47, 0x11A47}, {0x11A51, 0x11A56}, {0x11A59, 0x11A5B},
    {0x11A8A, 0x11A96}, {0x11A98, 0x11A99}, {0x11C30, 0x11C3D},
    {0x11C3F, 0x11C3F}, {0x11C92, 0x11CA7}, {0x11CAA, 0x11CB0},
    {0x11CB2, 0x11CB3}, {0x11CB5, 0x11CB6}, {0x11D31, 0x11D45},
    {0x11D47, 0x11D47}, {0x11D90, 0x11D91}, {0x11D95, 0x11D95},
    {0x11D97, 0x11D97}, {0x11EF3, 0x11EF4}, {0x13430, 0x13438},
    {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36}, {0x16F4F, 0x16F4F},
    {0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4}, {0x1BC9D, 0x1BC9E},
    {0x1BCA0, 0x1CF46}, {0x1D167, 0x1D169}, {0x1D173, 0x1D182},
    {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244},
    {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75},
    {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DAAF}, {0x1E000, 0x1E02A},
    {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
    {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0xE0001, 0xE01EF},
};
static const struct cp_range wide[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
    {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
    {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
    {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
    {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
    {0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
    {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
    {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x3029},
    {0x302E, 0x303E}, {0x3041, 0x3096}, {0x309B, 0xA4C6}, {0xA960, 0xA97C},
    {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6B},
    {0xFF01, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE3}, {0x16FF0, 0x1B2FB},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F200, 0x1F320}, {0x1F32D, 0x1F335},
    {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567},
    {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EC},
    {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7F0}, {0x1F90C, 0x1F93A},
    {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAF6},
    {0x20000, 0x3FFFD},
};

static bool in_ranges(const struct cp_range *r, size_t n, uint32_t cp)
{
    if (cp < r[0].lo || cp > r[n - 1].hi)
        return false;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

int ui_cp_width(uint32_t cp)
{
    if (cp == 0)
        return 0;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return -1;
    if (cp < 0x300) /* no combining or wide characters below U+0300 */
        return 1;
    if (cp == 0x2028 || cp == 0x2029 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return -1;
    if (in_ranges(zero_width, sizeof zero_width / sizeof zero_width[0], cp))
        return 0;
    if (in_ranges(wide, sizeof wide / sizeof wide[0], cp))
        return 2;
    return 1;
}

/* Decode with validity: *valid is false for an invalid or truncated
 * sequence, in which case the maximal subpart is consumed. */
static size_t decode(const char *s, size_t len, uint32_t *cp, bool *valid)
{
    const unsigned char *p = (const unsigned char *)s;
    *valid = false;
    *cp = 0xFFFD;
    if (len == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        *valid = true;
        return 1;
    }
    size_t need;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 1;
    }
    size_t i = 1;
    for (; i <= need && i < len; i++) {
        unsigned b = p[i];
        if (b < lo || b > hi)
            return i;
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (b & 0x3F);
    }
    if (i <= need)
        return i; /* truncated at the end of the input */
    *cp = v;
    *valid = true;
    return need + 1;
}

size_t ui_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    bool valid;
    return decode(s, len, cp, &valid);
}

size_t ui_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* What one input character looks like on screen. */
struct unit {
    char b[UI_TAB_WIDTH]; /* bytes to output: at most a tab's spaces */
    int n;                /* bytes in b */
    int w;                /* columns */
    bool newline;         /* a kept line break: columns restart at 0 */
};

static void unit_cp(struct unit *u, uint32_t cp, int w)
{
    u->n = (int)ui_utf8_encode(cp, u->b);
    u->w = w;
}

/* A character that must not reach the terminal as it is. */
static void unit_shown_as(struct unit *u, uint32_t picture, unsigned flags)
{
    if (flags & UI_TEXT_ASCII) {
        u->b[0] = '?';
        u->n = 1;
        u->w = 1;
    } else {
        unit_cp(u, picture, 1);
    }
}

/* Decode the unit at s[*i] (a character starting at column col) and advance
 * *i past it. */
static void next_unit(const char *s, size_t len, size_t *i, int col, unsigned flags,
                      struct unit *u)
{
    uint32_t cp;
    bool valid;
    size_t n = decode(s + *i, len - *i, &cp, &valid);
    u->n = 0;
    u->w = 0;
    u->newline = false;
    if (!valid) {
        unit_shown_as(u, 0xFFFD, flags);
    } else if (cp == '\t') {
        int k = UI_TAB_WIDTH - col % UI_TAB_WIDTH;
        memset(u->b, ' ', (size_t)k);
        u->n = k;
        u->w = k;
    } else if ((flags & UI_TEXT_NEWLINES) && (cp == '\n' || cp == '\r')) {
        /* in "\r\n" the '\n' makes the break and the '\r' shows nothing */
        if (!(cp == '\r' && *i + 1 < len && s[*i + 1] == '\n')) {
            u->b[0] = '\n';
            u->n = 1;
            u->newline = true;
        }
    } else if (cp < 0x20) {
        unit_shown_as(u, 0x2400 + cp, flags); /* control pictures: U+2400 + code */
    } else if (cp == 0x7F) {
        unit_shown_as(u, 0x2421, flags);
    } else if (cp < 0x80) {
        u->b[0] = (char)cp;
        u->n = 1;
        u->w = 1;
    } else {
        int w = ui_cp_width(cp);
        if (w < 0) {
            unit_shown_as(u, 0xFFFD, flags); /* C1 controls, line/paragraph separators */
        } else if (flags & UI_TEXT_ASCII) {
            /* one '?' per column, so layouts do not depend on the flag */
            memset(u->b, '?', (size_t)w);
            u->n = w;
            u->w = w;
        } else {
            memcpy(u->b, s + *i, n);
            u->n = (int)n;
            u->w = w;
        }
    }
    *i += n;
}

/* Bounded output that stops at the first unit that does not fit, so the
 * result is always whole characters and NUL-terminated. */
struct writer {
    char *out;
    size_t cap, pos;
    int cols;
    bool full;
};

static void writer_init(struct writer *wr, char *out, size_t cap)
{
    wr->out = out;
    wr->cap = cap;
    wr->pos = 0;
    wr->cols = 0;
    wr->full = false;
    if (cap > 0)
        out[0] = '\0';
}

static void put(struct writer *wr, const char *b, size_t n, int cols)
{
    if (wr->full)
        return;
    if (wr->pos + n >= wr->cap) {
        wr->full = true;
        return;
    }
    memcpy(wr->out + wr->pos, b, n);
    wr->pos += n;
    wr->out[wr->pos] = '\0';
    wr->cols += cols;
}

static void put_spaces(struct writer *wr, int k)
{
    for (; k > 0; k--)
        put(wr, " ", 1, 1);
}

size_t ui_text_sanitise(char *out, size_t cap, const char *s, size_t len, unsigned flags)
{
    struct writer wr;
    writer_init(&wr, out, cap);
    size_t need = 0, i = 0;
    int col = 0;
    while (i < len) {
        struct unit u;
        next_unit(s, len, &i, col, flags, &u);
        col = u.newline ? 0 : col + u.w;
        need += (size_t)u.n;
        put(&wr, u.b, (size_t)u.n, u.w);
    }
    return need;
}

char *ui_text_sanitise_dup(const char *s, size_t len, unsigned flags)
{
    size_t need = ui_text_sanitise(NULL, 0, s, len, flags);
    char *out = malloc(need + 1);
    if (out)
        ui_text_sanitise(out, need + 1, s, len, flags);
    return out;
}

/* Width of the single-line rendering under flags. */
static int width_with(const char *s, size_t len, unsigned flags)
{
    size_t i = 0;
    int col = 0;
    while (i < len) {
        struct unit u;
        next_unit(s, len, &i, col, flags, &u);
        col += u.w;
    }
    return col;
}

int ui_text_width(const char *s, size_t len)
{
    return width_with(s, len, 0);
}

int ui_text_fit(char *out, size_t cap, const char *s, size_t len, int width,
                enum ui_align align, unsigned flags)
{
    struct writer wr;
    writer_init(&wr, out, cap);
    if (width <= 0)
        return 0;
    flags &= ~(unsigned)UI_TEXT_NEWLINES;
    int total = width_with(s, len, flags);
    bool cut = total > width;
    /* first pass: how many bytes of input and columns of output to keep */
    size_t keep = len;
    int kept = total;
    if (cut) {
        size_t i = 0;
        int col = 0;
        while (i < len) {
            size_t j = i;
            struct unit u;
            next_unit(s, len, &j, col, flags, &u);
            if (col + u.w > width - 1)
                break;
            col += u.w;
            i = j;
        }
        keep = i;
        kept = col + 1; /* the ellipsis */
    }
    int pad = width - kept;
    int before = align == UI_ALIGN_RIGHT ? pad : align == UI_ALIGN_CENTER ? pad / 2 : 0;
    put_spaces(&wr, before);
    size_t i = 0;
    int col = 0;
    while (i < keep) {
        struct unit u;
        next_unit(s, len, &i, col, flags, &u);
        col += u.w;
        put(&wr, u.b, (size_t)u.n, u.w);
    }
    if (cut) {
        if (flags & UI_TEXT_ASCII)
            put(&wr, "~", 1, 1);
        else
            put(&wr, "\xE2\x80\xA6", 3, 1);
    }
    put_spaces(&wr, pad - before);
    return wr.cols;
}

int ui_text_slice(char *out, size_t cap, const char *s, size_t len, int left, int width,
                  unsigned flags)
{
    struct writer wr;
    writer_init(&wr, out, cap);
    if (width <= 0)
        return 0;
    if (left < 0)
        left = 0;
    flags &= ~(unsigned)UI_TEXT_NEWLINES;
    int right = left + width;
    size_t i = 0;
    int col = 0;
    bool shown = false; /* was the last character with width drawn? */
    while (i < len && col <= right) {
        struct unit u;
        next_unit(s, len, &i, col, flags, &u);
        int end = col + u.w;
        if (u.w == 0) {
            if (shown) /* combining marks go with their base character */
                put(&wr, u.b, (size_t)u.n, 0);
        } else if (col >= left && end <= right) {
            put(&wr, u.b, (size_t)u.n, u.w);
            shown = true;
        } else {
            int a = col > left ? col : left, b = end < right ? end : right;
            put_spaces(&wr, b - a);
            shown = false;
        }
        col = end;
    }
    put_spaces(&wr, width - wr.cols);
    return wr.cols;
}

size_t ui_text_offset_at(const char *s, size_t len, int col, int *at_col)
{
    size_t i = 0, best = 0;
    int c = 0, best_col = 0;
    while (c <= col) {
        best = i;
        best_col = c;
        if (i >= len)
            break;
        struct unit u;
        next_unit(s, len, &i, c, 0, &u);
        c += u.w;
        while (i < len) { /* combining marks stay with their base */
            size_t j = i;
            struct unit v;
            next_unit(s, len, &j, c, 0, &v);
            if (v.w != 0 || v.n == 0)
                break;
            i = j;
        }
    }
    if (at_col)
        *at_col = best_col;
    return best;
}
