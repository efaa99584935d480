/** The baseline: an empty Probot app on the same Probot install, started the same way as the bot. */
import { run } from "probot";

await run(() => {});
