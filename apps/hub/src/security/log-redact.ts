/**
 * Belt and braces: no code logs these on purpose, but an error object can carry a request or
 * a config, so pino replaces them with "***" wherever they appear (two levels deep).
 */
export const LOG_REDACT = {
  paths: [
    "*.appSecret",
    "*.webhookSecret",
    "*.secret",
    "*.secrets",
    "*.clientSecret",
    "*.password",
    "*.accessToken",
    "*.AccessToken",
    "*.authToken",
    "*.AuthToken",
    "*.authorization",
    "*.headers.authorization",
    "*.headers.accesstoken",
    "*.adapterConfig",
    "*.*.adapterConfig",
  ],
  censor: "***",
};
