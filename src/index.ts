import { rerunBot } from "./app.js";

/** The app function, for `probot run ./lib/index.js` and for tests. */
export default rerunBot();
export { rerunBot };
