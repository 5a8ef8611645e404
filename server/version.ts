/** The gateway's version, reported by `gateway/info` and `framegate --version`; keep in step with package.json. */
export const GATEWAY_VERSION = '0.1.0';
