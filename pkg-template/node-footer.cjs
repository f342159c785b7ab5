
// ---- daily-dialin: Node CommonJS entry (glue above: wasm-bindgen --target nodejs) ----
const __errors = require('./errors.cjs');
Object.assign(exports, __errors);

__registerErrorClasses(__errors);

/** Does nothing: this entry loads the module synchronously. Lets isomorphic code `await init()`. */
exports.init = async function init(_input) {};

/** Does nothing: this entry loads the module synchronously. */
exports.initSync = function initSync(_module) {};
