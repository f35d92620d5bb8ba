// Cleaning customers: the modules are in clean/ (one concern each); this file is what the rest of the code and the
// notebooks import (tslab resolves files, not folders).
export { cleanCustomers, CustomerCleaner } from './clean/cleaner';
export { toRecords } from './clean/records';
export {
  DROP_REASONS,
  type CleanerOptions,
  type CleanOptions,
  type CleanResult,
  type Customers,
  type DroppedRow,
  type OutlierFlag,
  type Repair,
} from './clean/types';
export { MISSING_CATEGORY } from './normalize';
