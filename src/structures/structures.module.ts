import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { Structure, StructureMember, SubcontractingLink } from './structure.entity.js';
import { StructuresController, SubcontractingController } from './structures.controller.js';
import { StructuresService } from './structures.service.js';
import { SubcontractingService } from './subcontracting.service.js';
import { CopyCircle } from './copy-circle.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { STRUCTURE_ERRORS } from './structure-errors.js';

registerErrorCodes(STRUCTURE_ERRORS);

/** Structures (groups of collaborators, the copy circle) and subcontracting between companies. */
@Module({
  imports: [MikroOrmModule.forFeature([Structure, StructureMember, SubcontractingLink]), AuditModule],
  controllers: [StructuresController, SubcontractingController],
  providers: [StructuresService, SubcontractingService, CopyCircle],
  exports: [StructuresService, CopyCircle],
})
export class StructuresModule {}
