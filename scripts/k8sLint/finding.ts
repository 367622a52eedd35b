/**
 * One problem in a rendered manifest: which object, which field, which rule, and why it matters.
 * `object` is objectId() ('apps/v1 Deployment default/hello'); `field` a path into it with list items
 * named by their `name` ('spec.template.spec.containers[hello].readinessProbe').
 */
export interface Finding {
  object: string;
  field: string;
  rule: string;
  message: string;
}

/** One plain line: `<object> <field> [<rule>] <why>`. */
export function formatFinding(finding: Finding): string {
  return `${finding.object} ${finding.field} [${finding.rule}] ${finding.message}`;
}
