// A fixed corpus of create bodies for the throughput benchmark: 24 valid and 36 invalid, taken
// from the rule cases of tests/rules.rs (R1-R12). `ok` is daily-dialin's verdict (errors block,
// warnings do not); bench/run.mjs checks it against validateCreate before timing anything, and
// reports where each peer schema's verdict differs.

const SECRET32 = '9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=';

const pinless = () => ({
  type: 'pinless_dialin',
  phone_number: '+12095551234',
  name_prefix: 'Customer1',
  hmac: SECRET32,
  room_creation_api: 'https://example.com/api/dial',
  hold_music_url: 'https://example.com/static/ringtone.mp3',
  timeout_config: { message: 'No agent is available right now' },
});
const pin = () => ({
  type: 'pin_dialin',
  phone_number: '+12095551235',
  ivr_greeting: { message: 'Please enter the PIN' },
});
const with_ = (base, fields) => ({ ...base, ...fields });
const without = (base, key) => {
  const copy = { ...base };
  delete copy[key];
  return copy;
};

const valid = {
  'pinless, every field': pinless(),
  'pin, every field': pin(),
  'pinless without phone_number (SIP only)': without(pinless(), 'phone_number'),
  'pinless without hmac': without(pinless(), 'hmac'),
  'pinless, minimal': { type: 'pinless_dialin', room_creation_api: 'https://hooks.example.org/dial' },
  'pin, minimal': { type: 'pin_dialin', phone_number: '+12095551236' },
  'pin +44': with_(pin(), { phone_number: '+442079460958' }),
  'pin +49': with_(pin(), { phone_number: '+4915123456789' }),
  'pin +86': with_(pin(), { phone_number: '+8613800138000' }),
  'pin +353': with_(pin(), { phone_number: '+35312345678' }),
  'pin +7': with_(pin(), { phone_number: '+79161234567' }),
  'pin +961': with_(pin(), { phone_number: '+9611234567' }),
  'pinless http room_creation_api (warning)': with_(pinless(), { room_creation_api: 'http://example.com/dial' }),
  'pinless http hold music (warning)': with_(pinless(), { hold_music_url: 'http://example.com/a.mp3' }),
  'pinless .wav hold music (warning)': with_(pinless(), { hold_music_url: 'https://cdn.example.com/hold.wav' }),
  'pinless HOLD.MP3?v=2': with_(pinless(), { hold_music_url: 'https://cdn.example.com/HOLD.MP3?v=2' }),
  'pinless 16-byte hmac (warning)': with_(pinless(), { hmac: 'AAECAwQFBgcICQoLDA0ODw==' }),
  'pinless port and query': with_(pinless(), { room_creation_api: 'https://Example.com:8443/api/dial?x=1#y' }),
  'pinless public IPv4 172.32.0.1': with_(pinless(), { room_creation_api: 'https://172.32.0.1/dial' }),
  'pinless public IPv6': with_(pinless(), { room_creation_api: 'https://[2001:db8::1]/dial' }),
  'pinless empty timeout_config': with_(pinless(), { timeout_config: {} }),
  'pin unicode name_prefix': with_(pin(), { name_prefix: 'Équipe – support ☎' }),
  'pin undefined name_prefix': with_(pin(), { name_prefix: undefined }),
  'pinless userinfo in URL': with_(pinless(), { room_creation_api: 'https://user:pw@example.com/dial' }),
};

const invalid = {
  'type missing': without(pin(), 'type'),
  'type "pinless"': with_(pin(), { type: 'pinless' }),
  'type is a number': with_(pin(), { type: 3 }),
  'pin without phone_number': without(pin(), 'phone_number'),
  'phone "(209) 555-1234"': with_(pin(), { phone_number: '(209) 555-1234' }),
  'phone "+1 209-555-1234"': with_(pin(), { phone_number: '+1 209-555-1234' }),
  'phone without +': with_(pin(), { phone_number: '12095551234' }),
  'phone leading 0': with_(pin(), { phone_number: '+0209555' }),
  'phone too short': with_(pin(), { phone_number: '+1234' }),
  'phone unassigned country code +259': with_(pin(), { phone_number: '+2591234567' }),
  'phone too long': with_(pin(), { phone_number: '+12345678901234567' }),
  'phone empty': with_(pin(), { phone_number: '' }),
  'pin with pinless fields': with_(pin(), {
    hmac: SECRET32,
    room_creation_api: 'https://example.com/api/dial',
    hold_music_url: 'https://example.com/a.mp3',
    timeout_config: { message: 'x' },
  }),
  'pinless with ivr_greeting': with_(pinless(), { ivr_greeting: { message: 'hi' } }),
  'pinless without room_creation_api': without(pinless(), 'room_creation_api'),
  'URL without scheme': with_(pinless(), { room_creation_api: 'example.com/dial' }),
  'URL ftp://': with_(pinless(), { hold_music_url: 'ftp://example.com/a.mp3' }),
  'URL without host': with_(pinless(), { room_creation_api: 'https://' }),
  'URL port 99999': with_(pinless(), { room_creation_api: 'https://example.com:99999/' }),
  'URL localhost': with_(pinless(), { room_creation_api: 'http://localhost:3000/dial' }),
  'URL 10.0.0.8': with_(pinless(), { room_creation_api: 'https://10.0.0.8/dial' }),
  'URL [::1]': with_(pinless(), { room_creation_api: 'https://[::1]/dial' }),
  'URL .local': with_(pinless(), { room_creation_api: 'https://box.local/dial' }),
  'URL link-local 169.254': with_(pinless(), { hold_music_url: 'https://169.254.169.254/a.mp3' }),
  'hmac 8 bytes': with_(pinless(), { hmac: 'AAECAwQFBgc=' }),
  'hmac not base64': with_(pinless(), { hmac: 'not base64!' }),
  'hmac URL-safe base64': with_(pinless(), { hmac: '9jyatvPWQfBymCGDOYPYKF_TRZXR-08Gj4bvPF78pH0=' }),
  'hmac without padding': with_(pinless(), { hmac: '9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0' }),
  'name_prefix blank': with_(pin(), { name_prefix: '  ' }),
  'name_prefix control char': with_(pin(), { name_prefix: 'a\u0007b' }),
  'timeout_config.message empty': with_(pinless(), { timeout_config: { message: '' } }),
  'unknown field phoneNumber': with_(pinless(), { phoneNumber: 'x' }),
  'unknown field timeout_config.mesage': with_(pinless(), { timeout_config: { mesage: 'hi' } }),
  'body is an array': [1, 2],
  'phone_number is a number': with_(pin(), { phone_number: 12095551234 }),
  'many issues at once': {
    type: 'pin_dialin',
    phoneNumber: '+12095551234',
    name_prefix: '',
    hmac: '###',
    ivr_greeting: { mesage: 'x' },
  },
};

/** [{ name, ok, body }] in a fixed order: valid bodies first. */
export const CORPUS = [
  ...Object.entries(valid).map(([name, body]) => ({ name, ok: true, body })),
  ...Object.entries(invalid).map(([name, body]) => ({ name, ok: false, body })),
];

/** The body every cold-start run validates once: a complete, valid pinless create body. */
export const COLD_BODY = pinless();
