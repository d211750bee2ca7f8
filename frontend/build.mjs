// Builds beacon/static/dist: one compressed stylesheet and our script modules beside GOV.UK Frontend's.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "beacon", "static", "dist");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "beacon.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (css.css.includes("GDS Transport")) {
  throw new Error("The stylesheet still names the GDS Transport font");
}
writeFileSync(join(out, "beacon.css"), css.css);

copyFileSync(
  join(root, "node_modules", "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
  join(out, "govuk-frontend.min.js"),
);
for (const name of readdirSync(join(root, "frontend", "js"))) {
  copyFileSync(join(root, "frontend", "js", name), join(out, name));
}
console.log(`built ${out} (${css.css.length} bytes of CSS)`);
