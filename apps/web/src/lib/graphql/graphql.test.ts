import { documentText } from '@cyclone/api-contract';
import { describe, expect, it } from 'vitest';
import { RunDocument } from '@/features/runs/runs.documents';

describe('documentText', () => {
  it('sends an operation with every fragment it spreads, and its name', () => {
    const { query, operationName } = documentText(RunDocument);
    expect(operationName).toBe('WorkflowRun');
    expect(query).toMatch(/^query WorkflowRun\(\$id: ID!\) \{/);
    expect(query).toContain('fragment RunFields on WorkflowRun');
    expect(query).toContain('fragment RunChangeFields on WorkflowRun');
    expect(query.match(/fragment RunChangeFields/g)).toHaveLength(1);
  });

  it('prints a document once', () => {
    expect(documentText(RunDocument)).toBe(documentText(RunDocument));
  });
});
