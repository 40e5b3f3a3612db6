import { validation } from './aws-error.js';

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

export interface MetricValue {
  MetricName: string;
  Value: number;
  Timestamp: number;
}

/**
 * SageMaker's training metrics: each MetricDefinition's regex (one capture group) is applied to
 * every log line the container prints; the last value seen per name becomes FinalMetricDataList.
 */
export class MetricScanner {
  private readonly rules: { name: string; re: RegExp }[];
  private readonly last = new Map<string, MetricValue>();

  constructor(definitions: MetricDefinition[] = []) {
    if (definitions.length > 40) throw validation('MetricDefinitions: at most 40 entries');
    this.rules = definitions.map((d, i) => {
      if (typeof d?.Name !== 'string' || typeof d.Regex !== 'string' || d.Regex.length > 500) {
        throw validation(
          `AlgorithmSpecification.MetricDefinitions.${i + 1}: needs Name and a Regex of at most 500 characters`,
        );
      }
      try {
        return { name: d.Name, re: new RegExp(d.Regex) };
      } catch (error) {
        throw validation(`AlgorithmSpecification.MetricDefinitions.${i + 1}.Regex: ${(error as Error).message}`);
      }
    });
  }

  scan(line: string, at: number): void {
    for (const { name, re } of this.rules) {
      const m = re.exec(line);
      const value = m?.[1] === undefined ? Number.NaN : Number(m[1]);
      if (Number.isFinite(value)) this.last.set(name, { MetricName: name, Value: value, Timestamp: at });
    }
  }

  finalMetrics(): MetricValue[] {
    return [...this.last.values()];
  }
}
