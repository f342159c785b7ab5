// A Worker that draws random bytes at global scope, which workerd refuses: the error must say so
// and keep workerd's own error as `cause`. (That the entries themselves start at all shows their
// module-scope initialisation draws none.)
import { generateHmacSecret } from 'daily-dialin/webhook';

let refused = null;
try {
  generateHmacSecret();
} catch (e) {
  refused = { name: e.name, message: e.message, cause: String(e.cause?.message ?? e.cause) };
}
export default { fetch: () => Response.json(refused) };
