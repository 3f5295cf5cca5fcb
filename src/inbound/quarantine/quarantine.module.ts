import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { QuarantineItem } from './quarantine-item.entity.js';

/** Inbound items that could not be threaded, kept with their reason until triaged. */
@Module({
  imports: [MikroOrmModule.forFeature([QuarantineItem])],
  exports: [MikroOrmModule],
})
export class QuarantineModule {}
