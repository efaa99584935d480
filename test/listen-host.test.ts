import { listenHost, PRODUCTION_HOST } from "../src/listen-host.js";

test("production listens on every interface unless HOST says otherwise; development keeps Probot's localhost", () => {
  expect(PRODUCTION_HOST).toBe("0.0.0.0");
  expect(listenHost({ NODE_ENV: "production" })).toBe("0.0.0.0");
  expect(listenHost({ NODE_ENV: "production", HOST: "127.0.0.1" })).toBe("127.0.0.1");
  expect(listenHost({ NODE_ENV: "production", HOST: "::" })).toBe("::");
  expect(listenHost({})).toBeUndefined();
  expect(listenHost({ NODE_ENV: "development", HOST: "0.0.0.0" })).toBe("0.0.0.0");
});
