// The create rules of daily-dialin (src/validate.rs, src/phone.rs, src/urls.rs) written as plain
// regular expressions, so that the zod, valibot and ajv schemas in this folder can share them.
// Browser-safe (no Node imports): the size benchmark bundles each schema file with esbuild.
//
// What a regex can say is the verdict (accept / reject). What it cannot say (suggestions,
// warnings, which of several codes applies) is listed in bench/README.md.

/** Assigned ITU-T E.164 country calling codes (the table of src/phone.rs). The set is prefix-free. */
export const COUNTRY_CODES = [
  1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61,
  62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211, 212, 213, 216, 218, 220, 221, 222, 223, 224,
  225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247,
  248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291,
  297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379,
  380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591,
  592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686,
  687, 688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961,
  962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

/** Strict E.164: `+`, 7-15 digits, starting with an assigned country code (so never with 0). */
export const E164 = new RegExp(`^\\+(?=\\d{7,15}$)(?:${COUNTRY_CODES.join('|')})\\d*$`);

/** Standard padded base64 of at least 16 bytes (24 characters), canonical trailing bits. */
export const HMAC_BASE64 =
  /^(?=.{24})(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** R10: not blank, and no control character (Unicode Cc, as Rust's `char::is_control`). */
export const TEXT = /^(?=[\s\S]*\S)\P{Cc}*$/u;

const LABEL = '(?:[\\w-]|[^\\x00-\\x7f\\s])+';
const PORT = '(?::(?:0*(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d\\d|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3}))?)?';
/**
 * R6: an absolute http(s) URL with a host (name labels, or a bracketed IPv6), an optional port
 * 1-65535, no whitespace or control characters (src/urls.rs `parse`).
 */
export const HTTP_URL = new RegExp(
  `^https?://(?:[^\\s/?#]*@)?(?:\\[[0-9a-f:.]+\\]|${LABEL}(?:\\.${LABEL})*\\.?)${PORT}(?:[/?#][^\\s\\p{Cc}]*)?$`,
  'iu',
);

const OCTET = '(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)';
const V4_PRIVATE =
  `(?:(?:127|10|0|22[4-9]|2[3-5]\\d)\\.${OCTET}|192\\.168|172\\.(?:1[6-9]|2\\d|3[01])|100\\.(?:6[4-9]|[7-9]\\d|1[01]\\d|12[0-7])|169\\.254)` +
  `\\.${OCTET}\\.${OCTET}`;
const QUAD = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
const END = '\\.?(?::\\d*)?(?:[/?#]|$)';
/**
 * R7: the host of an http(s) URL is one Daily cannot reach (src/urls.rs `non_public_reason`):
 * localhost, local-network names, single labels, loopback/private/link-local/shared/multicast
 * IPv4, numeric hosts that are not dotted quads, and IPv6 loopback/ULA/link-local/mapped.
 */
export const NOT_PUBLIC_URL = new RegExp(
  `^https?://(?:[^\\s/?#]*@)?(?:` +
    [
      `(?:[^/?#:@\\[]*\\.)?localhost${END}`,
      `[^/?#:@\\[]*\\.(?:local|internal|lan|home\\.arpa)${END}`,
      `[^/?#:.@\\[]+(?::\\d*)?(?:[/?#]|$)`,
      `${V4_PRIVATE}${END}`,
      `(?!${QUAD}${END})[\\d.]+${END}`,
      `\\[(?:::1?|f[cd][0-9a-f:.]*|fe[89ab][0-9a-f:.]*|::ffff:${V4_PRIVATE})\\]`,
    ].join('|') +
    `)`,
  'iu',
);

/** `http_url` and not `not_public_url`, as one expression (for schema languages without `not`). */
export const PUBLIC_HTTP_URL = new RegExp(`^(?!${NOT_PUBLIC_URL.source.slice(1)})${HTTP_URL.source.slice(1)}`, 'iu');
