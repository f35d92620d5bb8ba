/** Column names of the Mall Customers table, spelled exactly as in the public CSV. */
export const COLUMNS = {
  id: 'CustomerID',
  gender: 'Gender',
  age: 'Age',
  income: 'Annual Income (k$)',
  spending: 'Spending Score (1-100)',
} as const;

/** The five required columns, in the order of the public file. */
export const REQUIRED_COLUMNS = [COLUMNS.id, COLUMNS.gender, COLUMNS.age, COLUMNS.income, COLUMNS.spending] as const;

/** A numeric feature that clustering can use. */
export type FeatureName = typeof COLUMNS.age | typeof COLUMNS.income | typeof COLUMNS.spending;

/** All numeric features, in the public file's order. */
export const NUMERIC_FEATURES: readonly FeatureName[] = [COLUMNS.age, COLUMNS.income, COLUMNS.spending];

/** Default clustering features: Age, Annual Income (k$), Spending Score (1-100). */
export const DEFAULT_FEATURES: readonly FeatureName[] = NUMERIC_FEATURES;

export type Gender = 'Female' | 'Male';

/** One clean customer: every field present and within its valid range. */
export interface Customer {
  /** CustomerID as in the file (an integer). */
  id: number;
  gender: Gender;
  /** Years, 0-120. */
  age: number;
  /** Annual income in thousands of dollars, >= 0. */
  income: number;
  /** Spending score, 1-100. */
  spending: number;
}

/** Reads a feature's value from a customer. */
export function featureValue(customer: Customer, feature: FeatureName): number {
  switch (feature) {
    case COLUMNS.age:
      return customer.age;
    case COLUMNS.income:
      return customer.income;
    case COLUMNS.spending:
      return customer.spending;
  }
}

/** Valid ranges (inclusive) used by cleaning and by the API's validation. */
export const VALID_RANGES: Record<FeatureName, { min: number; max: number }> = {
  [COLUMNS.age]: { min: 0, max: 120 },
  [COLUMNS.income]: { min: 0, max: Number.POSITIVE_INFINITY },
  [COLUMNS.spending]: { min: 1, max: 100 },
};

/** Gender encoding used in processed data and models: Female = 0, Male = 1 (as the original project). */
export const GENDER_CODES: Record<Gender, number> = { Female: 0, Male: 1 };
