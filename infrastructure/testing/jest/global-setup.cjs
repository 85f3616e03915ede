// Placeholder until the infrastructure/testing project provides the real broker bootstrap.
module.exports = async () => undefined;
