/**
 * The presets' signatures, as data: what GitHub, the runner or a tool really writes when a job fails
 * for a reason that is not the code's, and the `real` exclusions a re-run cannot fix. Each entry
 * quotes the text and where it was seen; the README's table is generated from this list and a test
 * runs every example through the matcher. Where a wording is ambiguous (it can also come from the
 * code under test, or from a failure a re-run repeats) it is left out: a miss costs one manual
 * re-run, a false re-run costs trust.
 */

/** runner, github and git make the `infrastructure` preset; network is the opt-in `network` preset. */
export type FlakeCategory = "runner" | "github" | "git" | "network";
export type SignatureCategory = FlakeCategory | "real";

export interface Example {
  /** As GitHub or the tool wrote it (quoted in a public issue thread or log). */
  text: string;
  /** owner/repo#number, or a URL. */
  source: string;
}

export interface Signature {
  id: string;
  category: SignatureCategory;
  title: string;
  /** RE2, case-insensitive, `^`/`$` per line; lines are matched without their log timestamp. */
  pattern: string;
  /** Real texts it matches, each with where it was seen. */
  examples: Example[];
  /**
   * Exclusions only. "last": checked after the flake signatures, because GitHub writes it beside
   * other causes too ("The operation was canceled." follows a runner shutdown as well as a person's
   * cancel button), so it decides only when nothing else explains the failure.
   */
  order?: "last";
}

/** 500-539: servers and CDNs in front of them (Cloudflare answers 520-530). */
const HTTP_5XX = "5[0-3][0-9]";

export const SIGNATURES: Signature[] = [
  // runner: the machine went away or never came.
  {
    id: "runner-lost",
    category: "runner",
    title: "the runner lost communication with GitHub",
    pattern: "runner(:[^\\n]*)? lost communication with the server",
    examples: [
      { text: "The hosted runner: GitHub Actions 9 lost communication with the server. Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its network access can cause this error.", source: "fedimint/fedimint#6021" },
      { text: "The self-hosted runner: github-hetzner-runner-***-***-cpx21-hel1 lost communication with the server. Verify the machine is running and has a healthy network connection.", source: "testflows/TestFlows-GitHub-Hetzner-Runners#26" },
      { text: "The self-hosted runner lost communication with the server.", source: "ankidroid/Anki-Android-Backend#600" },
    ],
  },
  {
    id: "runner-shutdown",
    category: "runner",
    title: "the runner received a shutdown signal",
    pattern: "runner has received a shutdown signal",
    examples: [
      { text: "2023-02-09T20:11:49.9484027Z ##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.", source: "actions/runner#2427" },
    ],
  },
  {
    id: "runner-deprovisioned",
    category: "runner",
    title: "the runner was deprovisioned",
    pattern: "received request to deprovision|runner (was|has been) deprovisioned",
    examples: [{ text: "Received request to deprovision: The request was cancelled by the remote provider.", source: "FX-Data/FX-Data-EURUSD-DS#9" }],
  },
  {
    id: "runner-provisioning",
    category: "runner",
    title: "the hosted runner could not be provisioned",
    pattern: "error occurred while provisioning resources \\(error type: [a-z]+\\)|hosted runner encountered an error while running your job",
    examples: [
      { text: "An error occurred while provisioning resources (Error Type: Disconnect).", source: "actions/runner-images#3517" },
      { text: "The hosted runner encountered an error while running your job. (Error Type: Disconnect).", source: "actions/runner-images#10401" },
    ],
  },
  {
    id: "job-not-acquired",
    category: "runner",
    title: "no runner acquired the job",
    pattern: "job was not acquired by runner of type",
    examples: [{ text: "The job was not acquired by Runner of type hosted even after multiple attempts", source: "spdk/spdk#3876" }],
  },
  // github: a GitHub service failed the job.
  {
    id: "actions-internal-error",
    category: "github",
    title: "GitHub Actions had an internal error",
    pattern: "github actions (has encountered an internal error|is temporarily unavailable|has been temporarily unavailable)",
    examples: [
      { text: "GitHub Actions has encountered an internal error when running your job.", source: "actions/runner-images#3613" },
      { text: "Github Actions has encountered an internal error when running your job.", source: "actions/runner-images#3412" },
    ],
  },
  {
    id: "internal-server-error",
    category: "github",
    title: "GitHub answered an internal server error",
    pattern: "internal server error\\.? ?correlation ?id|internal server error occurred while resolving|oidc token request failed with http status (5[0-3][0-9]|429)",
    examples: [
      { text: "Internal server error. Correlation ID: 79b9a27c-24a5-41cb-b9af-7f4a788e3b2a", source: "spdk/spdk#3876" },
      { text: "GitHub OIDC token request failed with HTTP status 503", source: "folo-rs/folo#745" },
    ],
  },
  {
    id: "action-download",
    category: "github",
    title: "an action could not be downloaded (GitHub 5xx or 429)",
    pattern: `(failed to download action|failed to resolve action download info)[^\\n]{0,300}(status code does not indicate success: (${HTTP_5XX}|429)|\\((${HTTP_5XX}|429)\\)|error: (service unavailable|internal server error|bad gateway|gateway time-?out)|name or service not known|connection attempt failed|an error occurred while sending the request|ssl connection could not be established|timed out|connection (was )?(reset|refused|closed))|can't use 'tar -xzf' extract archive file: [^\\n]*/_actions/_temp_|failed to download archive 'https://codeload\\.github\\.com/[^\\n]*after \\d+ attempts|an action could not be found at the uri 'https://(codeload\\.github\\.com|api\\.github\\.com/repos)/`,
    examples: [
      { text: "Failed to download action 'https://api.github.com/repos/actions/checkout/tarball/master'. Error Response status code does not indicate success: 500 (Internal Server Error).", source: "actions/checkout#225" },
      { text: "Warning: Failed to download action 'https://api.github.com/repos/actions/checkout/tarball/ec3a7ce113134d7a93b817d10a8272cb61118579'. Error: Response status code does not indicate success: 503 (Service Unavailable).", source: "actions/checkout#672" },
      { text: "Error: Failed to download archive 'https://codeload.github.com/dtolnay/rust-toolchain/tar.gz/29eef336d9b2848a0b548edc03f92a220660cdb8' after 1 attempts.", source: "rust-bitcoin/corepc#611" },
      { text: "Warning: Failed to download action 'https://api.github.com/repos/actions/checkout/zipball/50fbc622fc4ef5163becd7fab6573eac35f8462e'. Error: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.", source: "rust-lang/rust#78743" },
      { text: "Failed to resolve action download info. Error: Service Unavailable\nRetrying in 27.493 seconds\nError: Failed to resolve action download info.", source: "googleapis/google-cloud-java#12055" },
    ],
  },
  {
    id: "runner-http-5xx",
    category: "github",
    title: "a call the runner made to GitHub answered 5xx or 429",
    // Anchored: the runner writes it on its own line; a .NET test's exception text is not at the line start.
    pattern: `^(##\\[error\\])?(error:? )?response status code does not indicate success: (${HTTP_5XX}|429)`,
    examples: [{ text: "##[error]Response status code does not indicate success: 500 (Internal Server Error).", source: "actions/checkout#225" }],
  },
  {
    id: "github-api-5xx",
    category: "github",
    title: "the GitHub API answered 5xx to an action or the gh CLI",
    // The uncaught Octokit error, GitHub's 5xx page ("Unicorn!") and gh's own wording; all name a 5xx.
    pattern: "requesterror \\[httperror\\]: (server error|bad gateway|service unavailable)|<title>unicorn! · github</title>|\\bgh: [^\\n]{0,100}\\(http 5[0-3][0-9]\\)",
    examples: [
      { text: "RequestError [HttpError]: Server Error", source: "fkirc/skip-duplicate-actions#301" },
      { text: "gh: Server Error (HTTP 502)", source: "geoffreywiseman/gh-actuse#9" },
      { text: "<title>Unicorn! · GitHub</title>", source: "github/gh-aw#39904" },
    ],
  },
  {
    id: "cache-service",
    category: "github",
    title: "the Actions cache service answered 5xx or 429",
    pattern: `cache service responded with (${HTTP_5XX}|429)`,
    examples: [
      { text: "reserveCache failed: Cache service responded with 503", source: "rhashimoto/sqwab#2" },
      { text: "Error: getCacheEntry failed: Cache service responded with 503", source: "shivammathur/cache-extensions#25" },
    ],
  },
  {
    id: "artifact-service",
    category: "github",
    title: "the Actions artifact service failed",
    pattern:
      "failed to (create|finalize|upload|list|get|download)?\\w*artifact: (unable to make request|failed to make request after \\d+ attempts|unexpected token '<')|unable to upload chunk to https://pipelines\\.actions\\.githubusercontent\\.com|artifact download failed after \\d+ retries|request timeout: /twirp/github\\.actions\\.results\\.api\\.|unable to create a container for the artifact|unable to download and extract artifact: request timeout",
    examples: [
      { text: "Error: Failed to CreateArtifact: Unable to make request: ECONNRESET", source: "spdk/spdk#3809" },
      { text: "##[error]Failed to CreateArtifact: Failed to make request after 5 attempts: Request timeout: /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact", source: "actions/upload-artifact#569" },
      { text: "Error: Failed to FinalizeArtifact: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON", source: "actions/upload-artifact#543" },
      { text: "Error: Unable to create a container for the artifact artifact at https://pipelines.actions.githubusercontent.com/j744JdjP7hmWpDAk1yany53cI07tMYFojlKbSemW7bhUQQz7hi/_apis/pipelines/workflows/304930541/artifacts?api-version=6.0-preview", source: "actions/upload-artifact#135" },
      { text: "Error: Unable to download artifact(s): Unable to download and extract artifact: Request timeout: /actions-results/2fcf99ae-275a-45de-87b8-2adcb1f0e46f/workflow-job-run-4cb2c808-9707-571c-50e6-0c4a359d2233/artifacts/pinniped-proxy-image.zip?se=2024-01-", source: "vmware-tanzu/kubeapps#7299" },
    ],
  },
  {
    id: "pages-deploy",
    category: "github",
    title: "GitHub Pages could not deploy, and says to try again",
    pattern: "deployment failed, try again later",
    examples: [
      { text: "Error: Deployment failed, try again later.", source: "actions/deploy-pages#292" },
    ],
  },
  // git: transport failures talking to the git host.
  {
    id: "git-5xx",
    category: "git",
    title: "git's server answered 5xx",
    pattern: `unable to access '[^']*': the requested url returned error: ${HTTP_5XX}|rpc failed; (http ${HTTP_5XX}|curl 22 the requested url returned error: ${HTTP_5XX})|^\\s*remote: internal server error`,
    examples: [
      { text: "Error: fatal: unable to access 'https://github.com/cocoa-mhlw/cocoa/': The requested URL returned error: 500", source: "cocoa-mhlw/cocoa#183" },
      { text: "  remote: Internal Server Error.", source: "P3TERX/Actions-OpenWrt#313" },
    ],
  },
  {
    id: "git-transport",
    category: "git",
    title: "git's connection broke mid-transfer",
    pattern:
      "rpc failed; (http 408 )?curl (16|18|28|55|56|92)\\b|fatal: early eof|unexpected disconnect while reading sideband packet|the remote end hung up unexpectedly|unable to access '[^']*': (failed to connect to|could not resolve host|couldn't resolve host|operation timed out|connection timed out|gnutls_handshake\\(\\) failed|openssl ssl_(read|connect)|recv failure|empty reply from server)",
    examples: [
      { text: "  Error: error: RPC failed; curl 92 HTTP/2 stream 0 was not closed cleanly: CANCEL (err 8)", source: "actions/checkout#1871" },
      { text: "  Error: fatal: early EOF", source: "actions/checkout#1871" },
      { text: "fatal: the remote end hung up unexpectedly", source: "13rac1/block-fixup-merge-action#10" },
      { text: "fatal: unable to access 'https://github.com/choderalab/openpathsampling.git/': Couldn't resolve host 'github.com'", source: "openpathsampling/openpathsampling#333" },
    ],
  },
  // network: transient network and registry failures anywhere in the job (opt-in).
  {
    id: "dns",
    category: "network",
    title: "a host name could not be resolved (DNS)",
    // Only dotted names: "postgres" or "db" not resolving is a service container that never came up.
    pattern:
      "temporary failure in name resolution|temporary failure resolving|(could not|couldn't) resolve host:? '?[a-z0-9-]+\\.[a-z0-9.-]+|getaddrinfo (eai_again|enotfound) [a-z0-9-]+\\.[a-z0-9.-]+|lookup [a-z0-9-]+\\.[^\\s:]+( on [^\\s]+)?: (no such host|server misbehaving)|getaddrinfow: no such host is known|unknownhostexception: [a-z0-9-]+\\.[a-z]|\\bunknown host [a-z0-9-]+\\.[a-z0-9.-]+",
    examples: [
      { text: "W: Failed to fetch http://deb.debian.org/debian/dists/unstable/InRelease  Temporary failure resolving 'deb.debian.org'", source: "actions/runner-images#6013" },
      { text: "Error: getaddrinfo EAI_AGAIN api.github.com", source: "einaregilsson/build-number#8" },
      { text: "lookup registry-1.docker.io: getaddrinfow: No such host is known.", source: "docker/for-win#437" },
      { text: "Could not transfer artifact org.springframework.session:spring-session-bom:pom:2021.2.0 from/to central (https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven.apache.org/maven2/org/springframework/session/spring-session-bom/2021.2.0/spring-session-bom-2021.2.0.pom: Unknown host repo.maven.apache.org -> [Help 2]", source: "actions/setup-java#485" },
    ],
  },
  {
    id: "connection-reset",
    category: "network",
    title: "a connection was reset",
    pattern:
      "(\\b|_)econnreset\\b|connection reset by peer|socket hang up|(java\\.net\\.socketexception|javax\\.net\\.ssl\\.sslexception): connection reset|an existing connection was forcibly closed by the remote host|client network socket disconnected before secure tls connection was established|network is unreachable",
    examples: [
      { text: "npm ERR! code ECONNRESET\nnpm ERR! network aborted\nnpm ERR! network This is a problem related to network connectivity.", source: "actions/runner-images#3737" },
      { text: "##[error]Client network socket disconnected before secure TLS connection was established", source: "actions/upload-artifact#116" },
      { text: "Error: Exception in thread \"main\" java.net.SocketException: Connection reset", source: "MobilityData/gtfs-validator#1338" },
    ],
  },
  {
    id: "github-unreachable",
    category: "network",
    title: "github.com could not be reached",
    // GitHub's hosts only: a job's own server that does not answer is a real failure.
    pattern: "failed to connect to ([a-z0-9-]{1,63}\\.){0,3}(github\\.com|githubusercontent\\.com) port \\d+( after \\d+ ms)?: (couldn't connect to server|connection timed out|timed out)",
    examples: [
      { text: "Failed to connect to github.com port 443 after 9597 ms: Couldn't connect to server", source: "VowpalWabbit/vowpal_wabbit#4856" },
    ],
  },
  {
    id: "network-timeout",
    category: "network",
    title: "a network call timed out",
    pattern:
      "(\\b|_)(etimedout|esockettimedout|err_socket_timeout)\\b|tls handshake timeout|\\bi/o timeout\\b|read timed out|connect timed out|connection timed out|operation timed out after \\d+ milliseconds|connection attempt failed because the connected party did not properly respond|net/http: request canceled|client\\.timeout exceeded while awaiting headers|\\[28\\] timeout was reached",
    examples: [
      { text: "Error: connect ETIMEDOUT 185.199.110.133:443", source: "ruby/setup-ruby#398" },
      { text: "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": net/http: TLS handshake timeout", source: "SuziKim/DCCW#1" },
      { text: "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.", source: "conbench/conbench#815" },
      { text: "Error: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.", source: "rust-lang/rust#78743" },
    ],
  },
  {
    id: "npm-registry",
    category: "network",
    title: "the npm registry failed (network error, 5xx or 429)",
    pattern: `npm (err!|error) (network\\b|code e(${HTTP_5XX}|429)\\b|(${HTTP_5XX}|429) [a-z -]+ - (get|head|put) https?://|fetch failed with status code (${HTTP_5XX}|429))`,
    examples: [
      { text: "npm ERR! 429 Too Many Requests - GET https://registry.npmjs.org/@babel/plugin-transform-new-target/-/plugin-transform-new-target-7.4.4.tgz", source: "actions/setup-node#112" },
      { text: "npm error code E429\nnpm error 429 Too Many Requests - GET https://registry.npmjs.org/yargs-parser/-/yargs-parser-21.0.1.tgz", source: "nodejs/node#59620" },
      { text: "npm ERR! network This is a problem related to network connectivity.", source: "actions/runner-images#3737" },
      { text: "npm ERR! fetch failed with status code 503", source: "npm/npm#12960" },
    ],
  },
  {
    id: "yarn-network",
    category: "network",
    title: "yarn could not reach its registry",
    pattern: `there appears to be trouble with your network connection|(error )?an unexpected error occurred: "https?://[^\\s"]+: (etimedout|esockettimedout|econnreset|eai_again|enotfound|socket hang up|request failed \\\\?"(${HTTP_5XX}|429))`,
    examples: [
      { text: "info There appears to be trouble with your network connection. Retrying...\nerror An unexpected error occurred: \"https://registry.yarnpkg.com/@material-ui/icons/-/icons-4.11.2.tgz: ESOCKETTIMEDOUT\".", source: "opstrace/opstrace#873" },
      { text: "An unexpected error occurred: \"https://registry.npmjs.org/classnames/-/classnames-2.2.5.tgz: Request failed \\\"503 Service Unavailable\\\"\".", source: "npm/npm#20904" },
    ],
  },
  {
    id: "pip-index",
    category: "network",
    title: "pip could not reach the package index",
    pattern: `httpsconnectionpool\\(host=[^)]{1,200}\\): (read timed out|max retries exceeded)|http error (${HTTP_5XX}|429) while getting https?://`,
    examples: [
      { text: "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.", source: "conbench/conbench#815" },
      { text: "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out. (read timeout=15)\")': /packages/7e/83/284c6d3fac2e74532a9f51f908018690709db9af1469cf728574f6be3abf/setuptools_scm_git_archive-1.1-py2.py3-none-any.whl", source: "packit/ogr#545" },
    ],
  },
  {
    id: "apt-mirror",
    category: "network",
    title: "a Linux package mirror failed (apt: hash mismatch mid-sync, 5xx, unreachable; apk: temporary error)",
    pattern: `hash sum mismatch|temporary error \\(try again later\\)|mirror sync in progress\\?|failed to fetch [^\\s]+\\s+(${HTTP_5XX}|429)\\b|failed to fetch [^\\n]{1,300}(connection timed out|connection failed|could not connect to|unable to connect to)`,
    examples: [
      { text: "E: Failed to fetch https://packages.microsoft.com/ubuntu/16.04/prod/dists/xenial/main/binary-amd64/Packages.bz2  Hash Sum mismatch", source: "r-lib/actions#51" },
      { text: "Failed to fetch https://packages.microsoft.com/ubuntu/20.04/prod/dists/focal/main/binary-armhf/Packages.gz  File has unexpected size (17314 != 17306). Mirror sync in progress? [IP: 40.85.80.91 443]", source: "microsoft/linux-package-repositories#100" },
      { text: "ERROR: http://dl-cdn.alpinelinux.org/alpine/v3.4/main: temporary error (try again later)", source: "gliderlabs/docker-alpine#264" },
    ],
  },
  {
    id: "maven-gradle-repo",
    category: "network",
    title: "a Maven or Gradle repository answered 5xx or timed out",
    pattern: `could not transfer (artifact|metadata) [^\\n]{0,500}(status code: ?(${HTTP_5XX}|429)|return code is: ?(${HTTP_5XX}|429)|\\b(${HTTP_5XX}) [a-z -]*(gateway|unavailable|error|timeout)|connection reset|read timed out|connect timed out)|could not (get|head) '[^']+'\\. received status code (${HTTP_5XX}|429) from server|received status code (${HTTP_5XX}|429) from server|could not (get|head) 'https?://[^']+'\\.\\s+> (no route to host|connect timed out|read timed out|connection reset)`,
    examples: [
      { text: "Could not transfer artifact org.apache-extras.beanshell:bsh:jar:2.0b6 from/to central (https://repo.maven.apache.org/maven2): Transfer failed for https://repo.maven.apache.org/maven2/org/apache-extras/beanshell/bsh/2.0b6/bsh-2.0b6.jar 503 between bytes timeout", source: "apache/pulsar#6231" },
      { text: "> Could not GET 'https://jcenter.bintray.com/com/google/errorprone/error_prone_annotations/2.0.18/error_prone_annotations-2.0.18.pom'. Received status code 504 from server: Gateway Time-out", source: "flutter/flutter#38915" },
      { text: "Could not transfer artifact org.jenkins-ci:jenkins:pom:1.26 from/to repo.jenkins-ci.org (http://repo.jenkins-ci.org/public/): Failed to transfer file: http://repo.jenkins-ci.org/public/org/jenkins-ci/jenkins/1.26/jenkins-1.26.pom. Return code is: 502 , ReasonPhrase:Bad Gateway.", source: "hub4j/github-api#344" },
      { text: "> Could not download foojay-resolver-1.0.0.jar (org.gradle.toolchains:foojay-resolver:1.0.0)\n   > Could not get resource 'https://plugins.gradle.org/m2/org/gradle/toolchains/foojay-resolver/1.0.0/foojay-resolver-1.0.0.jar'.\n      > Could not GET 'https://plugins-artifacts.gradle.org/org.gradle.toolchains/foojay-resolver/1.0.0/78b86a47dfdf7697c9bd15da78983fd80da7247d6e02fc106bdf07e0388b60a8/foojay-resolver-1.0.0.jar'.\n         > No route to host", source: "gradle/actions#658" },
    ],
  },
  {
    id: "cargo-rustup",
    category: "network",
    title: "cargo or rustup could not download",
    pattern: `spurious network error|\\[(6|7|28|35|52|56)\\] (could not resolve host|couldn't resolve host|could not connect to server|couldn't connect to server|timeout was reached|ssl connect error|failure when receiving data)|failed to get 200 response from [^\\n]{1,300}got (${HTTP_5XX}|429|206)|could not download file from '[^']+'`,
    examples: [
      { text: "warning: spurious network error (2 tries remaining): [28] Timeout was reached (download of `ascii v1.0.0` failed to transfer more than 10 bytes in 30s)", source: "rust-lang/cargo#9919" },
      { text: "warning: spurious network error (2 tries remaining): \nfailed to get 200 response from https://crates.io/api/v1/crates/same-file/1.0.6/download, \ngot 502", source: "IronCoreLabs/gridiron#34" },
    ],
  },
  {
    id: "container-registry",
    category: "network",
    title: "a container registry answered 5xx",
    pattern: `received unexpected http status: (${HTTP_5XX})|unexpected status( from (get|head|post|put) request to [^\\s]+)?: (${HTTP_5XX}) |unexpected status code https?://[^\\s]+: (${HTTP_5XX}) |error response from daemon: [^\\n]{0,300}\\b(${HTTP_5XX}) (internal server error|bad gateway|service unavailable|gateway time-?out)|failed to copy: cannot reuse body, request must be retried`,
    examples: [
      { text: "Error response from daemon: received unexpected HTTP status: 503 Service Unavailable", source: "EnricoMi/publish-unit-test-result-action#379" },
      { text: "Error response from daemon: Head \"https://registry-1.docker.io/v2/devopsinfra/action-pull-request/manifests/v0.5.5\": received unexpected HTTP status: 503 Service Unavailable", source: "devops-infra/action-pull-request#196" },
      { text: "buildx call failed with: error: failed to solve: rpc error: code = Unknown desc = unexpected status: 503 Service Unavailable", source: "docker/build-push-action#334" },
      { text: "buildx failed with: error: failed to solve: failed to copy: cannot reuse body, request must be retried", source: "docker/build-push-action#626" },
    ],
  },
  {
    id: "go-proxy",
    category: "network",
    title: "the Go module proxy answered 5xx",
    pattern: `(read|reading) "?https:/+[^\\s"]+"?: ((${HTTP_5XX}) (internal server error|bad gateway|service unavailable|gateway time-?out)|unexpected eof)`,
    examples: [
      { text: "go: github.com/RackSec/srslog@v0.0.0-20180709174129-a4725f04ec91: reading https://goproxy.io/github.com/%21rack%21sec/srslog/@v/v0.0.0-20180709174129-a4725f04ec91.mod: 502 Bad Gateway", source: "goproxy/goproxy.cn#224" },
      { text: "66.38 go: github.com/klauspost/compress@v1.16.6: read \"https:/proxy.golang.org/@v/v1.16.6.zip\": unexpected EOF", source: "pomerium/pomerium#4357" },
    ],
  },
  {
    id: "http-fetch-5xx",
    category: "network",
    title: "a download failed (curl, NuGet, conda, pnpm, composer, bundler, tool downloads, the Gradle wrapper)",
    pattern: `\\[nuget\\] response status code does not indicate success: (${HTTP_5XX}|429)|condahttperror: http (000 connection failed|${HTTP_5XX})|err_pnpm_meta_fetch_fail|err_pnpm_fetch_(${HTTP_5XX}|429)|^(##\\[error\\])?(error: )?unexpected http response: (${HTTP_5XX}|429)|curl error (6|7|28|35|52|56) while downloading|could not fetch specs from https://rubygems\\.org|error fetching the storage url during post:\\s*(${HTTP_5XX}|429)|error when performing the request to https?://|the remote server returned an error: \\((${HTTP_5XX})\\)|could not connect to the feed specified at 'https://community\\.chocolatey\\.org|downloading from https?://[^\\s]+ failed: timeout|produced an unexpected\\s+(${HTTP_5XX}) response|curl: \\(22\\) the requested url returned error: ${HTTP_5XX}|curl: \\((6|18|28|35|52|56|92)\\)|server returned http response code: (${HTTP_5XX}|429) for url|unable to load the service index for source [^\\n]{1,300}(${HTTP_5XX}|timed out|no such host)`,
    examples: [
      { text: "##[error]Exception in thread \"main\" java.io.IOException: Server returned HTTP response code: 503 for URL: https://services.gradle.org/distributions/gradle-9.7.0-bin.zip", source: "basecamp/basecamp-sdk#729" },
      { text: "[NuGet] Response status code does not indicate success: 503 (Service Unavailable).", source: "openvinotoolkit/openvino#22568" },
      { text: "  CondaHTTPError: HTTP 530 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/blessings-1.7-py37h89c1867_1005.tar.bz2>", source: "modin-project/modin#3729" },
      { text: "ERR_PNPM_META_FETCH_FAIL GET https://registry.npmjs.org/@graphql-tools%2Fschema: request to https://registry.npmjs.org/@graphql-tools%2Fschema failed, reason: Socket timeout", source: "overengineeringstudio/effect-utils#562" },
      { text: "curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 104", source: "JasonEtco/upload-to-release#21" },
      { text: "##[error]Unexpected HTTP response: 500", source: "actions/setup-node#133" },
      { text: "Error: curl error 28 while downloading https://packagist.org/api/security-advisories/: Operation timed out after 10006 milliseconds with 0 bytes received", source: "composer/composer#12535" },
      { text: "Could not fetch specs from https://rubygems.org/", source: "jipiboily/monologue#219" },
      { text: "[2024-02-06T15:34:25.740Z] ['error'] There was an error running the uploader: Error uploading to https://codecov.io: Error: There was an error fetching the storage URL during POST: 502 - ", source: "finos/git-proxy#441" },
      { text: "Error: There was an error fetching the storage URL during POST:\n503 - upstream connect error or disconnect/reset before headers.", source: "crate/crate-python#469" },
      { text: "Internal Error: Error when performing the request to https://registry.npmjs.org/yarn; for troubleshooting help, see https://github.com/nodejs/corepack#troubleshooting", source: "nodejs/corepack#458" },
      { text: "sql-server-express not installed. An error occurred during installation:\n The remote server returned an error: (524).", source: "Particular/install-sql-server-action#3" },
      { text: "Error: Exception in thread \"main\" java.io.IOException: Downloading from https://services.gradle.org/distributions/gradle-9.2.1-bin.zip failed: timeout (10000ms)", source: "apache/polaris#3381" },
      { text: "Error: Trusted publishing exchange failure: \nToken request failed: the index produced an unexpected\n503 response.", source: "pypa/gh-action-pypi-publish#239" },
    ],
  },
  {
    id: "tool-download",
    category: "network",
    title: "a setup action's download broke off, and its retries too",
    // @actions/tool-cache's retry notice, then the same error as the last word: a retry that
    // succeeded (and a later failure) does not match.
    pattern: "(aborted|premature close)\\s+waiting \\d+ seconds before trying again\\s+(##\\[error\\]|error: )?(aborted|premature close)",
    examples: [
      { text: "Premature close\nWaiting 18 seconds before trying again\n##[error]Premature close", source: "actions/setup-node#132" },
      { text: "Acquiring 19.6.0 - x64 from https://nodejs.org/dist/v19.6.0/node-v19.6.0-linux-x64.tar.gz\naborted\nWaiting 13 seconds before trying again\naborted\nWaiting 16 seconds before trying again\nError: aborted", source: "actions/setup-node#838" },
    ],
  },
  {
    id: "rate-limited",
    category: "network",
    title: "rate-limited (Docker Hub pulls, the GitHub API)",
    // Limits count per address or token: a re-run lands on another runner (hosted runners change address); auto.delay waits out a limit.
    pattern: "toomanyrequests|you have reached your (unauthenticated )?pull rate limit|api rate limit exceeded|secondary rate limit",
    examples: [
      { text: "Error: API rate limit exceeded for 52.160.111.19. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)", source: "extractions/setup-crate#1" },
      { text: "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit", source: "aquasecurity/tracee#4248" },
    ],
  },
];

export const EXCLUSIONS: Signature[] = [
  {
    id: "billing",
    category: "real",
    title: "billing, a spending limit, a storage quota or an account GitHub blocked",
    pattern: "job was not started because|actions (has|have) been disabled for this (user|account|organization|repository)|spending limit (needs to be increased|for actions)|account is locked due to a billing issue|artifact storage quota has been hit|repository is over its data quota",
    examples: [
      { text: "The job was not started because recent account payments have failed or your spending limit needs to be increased. Please check the 'Billing & plans' section in your settings", source: "nodejs/admin#980" },
      { text: "The job was not started because your account is locked due to a billing issue.", source: "fontanierh/boxology#734" },
      { text: "The job was not started because the spending limit for Actions and Packages has been exceeded.", source: "sazs34/MyActions#237" },
      { text: "Actions has been disabled for this user", source: "CSOAI-ORG/councilof-ai#1160" },
      { text: "  batch response: This repository is over its data quota. Account responsible for LFS bandwidth should purchase more data packs to restore access.", source: "johannesvollmer/exrs#88" },
    ],
  },
  {
    id: "no-runner-online",
    category: "real",
    title: "no runner online to take the job",
    pattern: "no (enabled runners|runners enabled) online to process the request|no runner matching the specified labels",
    examples: [
      { text: "This request was automatically failed because there were no enabled runners online to process the request for more than 1 days.", source: "apache/airflow-site#1054" },
      { text: "This request was automatically failed because there were no runners enabled online to process the request for more than 1 day.", source: "ComputationalRadiationPhysics/cuda_memtest#46" },
    ],
  },
  {
    id: "never-picked-up",
    category: "real",
    title: "no runner ever picked the job up (labels no runner has, or an offline pool)",
    // GitHub's line for a job still queued: when such a job fails, no runner matched, and a re-run
    // queues it for the same labels again.
    pattern: "waiting for a (self-hosted |hosted )?runner to pick ?up this job|job is waiting for a hosted runner to come online|can't find any online and idle (self-hosted )?(or hosted )?runner",
    examples: [
      { text: "Waiting for a runner to pick up this job...", source: "actions/runner#3609" },
      { text: "Waiting for a runner to pick up this job..", source: "actions/runner#2890" },
      { text: "Can't find any online and idle self-hosted runner in the current repository, account/organization and enterprise that matches the required labels: 'ubuntu-16.04'\nWaiting for a self-hosted runner to pickup this job...", source: "go-vela/ui#448" },
    ],
  },
  {
    id: "invalid-workflow",
    category: "real",
    title: "the workflow file is invalid (startup failure)",
    pattern:
      "invalid workflow file|the workflow is not valid|you have an error in your yaml syntax|every step must define a .uses. or .run. key|\\(line: \\d+, col: \\d+\\): (unrecognized named-value|unexpected value|required property is missing)",
    examples: [
      { text: "Invalid workflow file: .github/workflows/update.yaml#L7\nYou have an error in your yaml syntax on line 7", source: "mindersec/minder-rules-and-profiles#206" },
      { text: "The workflow is not valid. .github/workflows/deploy.yml (Line: 31, Col: 7): Unexpected value 'with'", source: "vfarid/v2ray-worker#72" },
    ],
  },
  {
    id: "unresolvable-action",
    category: "real",
    title: "an action cannot be resolved or has no action.yml",
    pattern: "unable to resolve actions?\\b|can't find 'action\\.ya?ml'|missing download info for",
    examples: [
      { text: "Error: Unable to resolve action `MansaGroup/nrwl-nx-action@v2`, unable to find version `v2`", source: "MansaGroup/nrwl-nx-action#92" },
      { text: "Error: Unable to resolve actions. Repository not found : tfsec/tfsec-sarif-action.", source: "aquasecurity/tfsec-sarif-action#17" },
      { text: "Error: Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '/home/runner/work/mono/mono/setup-gitsign'. Did you forget to run actions/checkout before running your local action?", source: "chainguard-dev/actions#89" },
    ],
  },
  {
    id: "deprecated-action",
    category: "real",
    title: "GitHub failed something deprecated (an action version, a runner image brownout, a disabled command)",
    pattern: "automatically failed because it uses a deprecated version|this is a scheduled [^\\n]{1,40} brownout|the .(set-env|add-path). command is disabled",
    examples: [
      { text: "Error: This request has been automatically failed because it uses a deprecated version of `actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/2024-04-16-deprecation-notice-v3-of-the-artifact-actions/", source: "awslabs/aws-c-common#1183" },
      { text: "Error: This request has been automatically failed because it uses a deprecated version of `actions/cache: v2`. Please update your workflow to use v3/v4 of actions/cache to avoid interruptions.", source: "pingcap/tiflow#12119" },
      { text: "This is a scheduled Ubuntu-18.04 brownout. The Ubuntu-18.04 environment is deprecated and will be removed on December 1st, 2022. For more details, see https://github.com/actions/runner-images/issues/6002", source: "NLnetLabs/krill#887" },
      { text: "Error: Unable to process command '::set-env name=PULL_REQUEST_NUMBER::4' successfully.\nError: The `set-env` command is disabled.", source: "vsoch/pull-request-action#66" },
    ],
  },
  {
    id: "disk-full",
    category: "real",
    title: "the disk was full",
    pattern: "no space left on device|you are running out of disk space|\\benospc\\b|not enough space on the disk",
    examples: [
      { text: "System.IO.IOException: No space left on device : '/home/runner/runners/2.319.1/_diag/Worker_20240929-071716-utc.log'", source: "actions/runner-images#10699" },
      { text: "You are running out of disk space. The runner will stop working when the machine runs out of disk space. Free space left: 61 MB", source: "stackhawk/hawkscan-action#13" },
    ],
  },
  {
    id: "timeout",
    category: "real",
    title: "the job or step exceeded its time limit",
    pattern: "exceeded the maximum execution time|^(##\\[error\\])?(error: )?the action has timed out",
    examples: [
      { text: "The job running on runner GitHub Actions 2 has exceeded the maximum execution time of 360 minutes.", source: "PostHog/charts-clickhouse#338" },
      { text: "The job has exceeded the maximum execution time of 6h0m0s", source: "mandiant/VM-Packages#1448" },
    ],
  },
  {
    id: "concurrency-cancelled",
    category: "real",
    title: "cancelled by a newer run in the same concurrency group",
    pattern: "canceling since a higher priority waiting request",
    examples: [{ text: "Canceling since a higher priority waiting request for 'e2e-features-7070' exists", source: "line/armeria#3622" }],
  },
  {
    id: "permission",
    category: "real",
    title: "a permission or credential was refused, or git's server refused the request (4xx)",
    pattern:
      "resource not accessible by (integration|personal access token)|bad credentials|could not read username for|permission to [^\\s]+ denied to|permission denied \\(publickey\\)|input required and not supplied: token|unable to access '[^']*': the requested url returned error: (400|401|403|404)|rpc failed; (http (400|401|403|404|411|413|422)|curl 22 the requested url returned error: (400|401|403|404|411|413|422))",
    examples: [
      { text: "Resource not accessible by integration", source: "cpp-for-yourself/homeworks#17" },
      { text: "remote: Permission to zzc8081/yarb.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/zzc8081/yarb.git/': The requested URL returned error: 403", source: "Vu1nT0tal/yarb#17" },
    ],
  },
  {
    id: "push-rejected",
    category: "real",
    title: "the git server refused the push (a file over the size limit, a protected branch, a hook)",
    pattern: "gh001: large files detected|exceeds github's file size limit|\\[remote rejected\\]|pre-receive hook declined",
    examples: [
      { text: "remote: error: File repo/brave-bin-1:1.46.144-1-x86_64.pkg.tar.zst is 138.23 MB; this exceeds GitHub's file size limit of 100.00 MB", source: "pacman-repo-builder/pacman-repo-builder#58" },
    ],
  },
  {
    id: "user-cancelled",
    category: "real",
    title: "cancelled (by a person, or with the run)",
    pattern: "^(##\\[error\\])?(error: )?the (operation|run) was canceled",
    order: "last",
    examples: [{ text: "Error: The operation was canceled.", source: "actions/runner-images#13263" }],
  },
];
