// npm skips optional platform packages whose `engines` do not match the Node that resolves the tree.
// Hardhat 3's EDR (the in-process EVM) declares `node >= 22`, so on a Node 20 machine `npm install`
// leaves out `@nomicfoundation/edr-<platform>` even though the project runs everything under the
// Node 22 that the `node` devDependency provides. npm runs this hook with node_modules/.bin first on
// PATH, so `process.execPath` here is that Node 22: re-running the install under it restores the package.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function edrLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    `postinstall: running under Node ${process.version}; expected the Node 22 from the 'node' devDependency. ` +
      "Run 'npm install' again, or install Node >= 22.",
  );
  process.exit(1);
}

if (!edrLoads()) {
  const npmCli = process.env.npm_execpath;
  if (!npmCli) {
    console.error("postinstall: npm_execpath is not set; run this through 'npm install'.");
    process.exit(1);
  }
  console.log(`postinstall: resolving platform packages under Node ${process.version} (EDR needs Node >= 22)`);
  const r = spawnSync(
    process.execPath,
    [npmCli, "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund"],
    { stdio: "inherit", env: { ...process.env, npm_config_engine_strict: "false" } },
  );
  if (r.status !== 0 || !edrLoads()) {
    console.error("postinstall: @nomicfoundation/edr still does not load; check network access to the npm registry.");
    process.exit(1);
  }
}
