// daily-dialin/webhook: pkg-template/verify.js replaces the glue's verifyPinlessWebhook with the
// same function (a fast path in front of it), so it adds no declarations: the module's own types
// (VerifyPinlessWebhookOptions, PinlessWebhook) declare it.
