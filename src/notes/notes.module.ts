import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { FileAlertsModule } from '../core/file-alerts/file-alerts.js';
import { Note } from './note.entity.js';
import { NotesController } from './notes.controller.js';
import { NotesService } from './notes.service.js';

/** Internal notes of the staff (SPEC §5), their alerts registered with the core's FileAlerts. */
@Module({
  imports: [MikroOrmModule.forFeature([Note]), FileAlertsModule],
  controllers: [NotesController],
  providers: [NotesService],
})
export class NotesModule {}
